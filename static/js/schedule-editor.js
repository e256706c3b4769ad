/* The schedule editor (templates/admin/events/event/schedule_editor.html).
 *
 * Moves programme items by mouse (drag an item; drag its lower edge to resize) and by
 * keyboard (arrows move by 5 minutes or one room, Shift with up/down changes the end, Enter
 * or Space saves, Escape puts it back). Every move is sent to the move endpoint, which checks
 * it with the admin form's clash rules; a refusal puts the item back and its reason goes to
 * the live region. Positions are the CSS classes se-r<row>, se-s<span>, se-c<column>
 * (schedule-editor.css), never inline styles. Without this script the "Move…" forms work. */
(function () {
  "use strict";
  var SLOT = 5;
  var root = document.querySelector(".se[data-move-url]");
  if (!root) return;
  var status = document.getElementById("se-status");
  var side = document.querySelector(".se-side");
  var sideList = side && side.querySelector(".se-side-list");
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");

  function minutes(text) {
    var parts = text.split(":");
    return parseInt(parts[0], 10) * 60 + parseInt(parts[1], 10);
  }
  function clock(total) {
    var h = Math.floor(total / 60), m = total % 60;
    return (h < 10 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m;
  }
  function say(text, kind) {
    status.textContent = text;
    status.classList.toggle("se-error", kind === "error");
    status.classList.toggle("se-ok", kind === "ok");
  }
  function grids() { return Array.prototype.slice.call(document.querySelectorAll(".se-grid")); }
  function gridOfDay(day) {
    return grids().filter(function (g) { return g.dataset.day === day; })[0] || null;
  }
  function heads(grid) { return Array.prototype.slice.call(grid.querySelectorAll(".se-head")); }
  function roomName(grid, room) {
    if (!room) return root.dataset.textNone;
    var head = grid && grid.querySelector('.se-head[data-room="' + room + '"]');
    if (head) return head.textContent;
    var first = document.querySelector('.se-head[data-room="' + room + '"]');
    return first ? first.textContent : "";
  }

  /* What an item shows and where it sits: {day, start, end (minutes), room ("" = none)}. */
  function stateOf(el) {
    return { day: el.dataset.day, start: minutes(el.dataset.start), end: minutes(el.dataset.end),
             room: el.dataset.room || "" };
  }
  function clearPosition(el) {
    el.className = el.className.replace(/\bse-[rsc]\d+\b/g, "").replace(/\s+/g, " ").trim();
  }
  function describe(el, s) {
    var grid = gridOfDay(s.day);
    return el.dataset.title + ", " + clock(s.start) + "–" + clock(s.end) + ", " + roomName(grid, s.room);
  }

  /* Shows an item at state s: in its day's grid at its room's column, or in the side list. */
  function place(el, s) {
    var grid = s.room ? gridOfDay(s.day) : null;
    var head = grid && grid.querySelector('.se-head[data-room="' + s.room + '"]');
    clearPosition(el);
    if (grid && head) {
      var first = parseInt(grid.dataset.first, 10), last = parseInt(grid.dataset.last, 10);
      var begin = Math.max(s.start, first), finish = Math.min(s.end, last);
      var row = 2 + Math.floor((begin - first) / SLOT);
      var span = Math.max(Math.ceil((finish - begin) / SLOT), 1);
      el.classList.add("se-r" + row, "se-s" + span, "se-c" + head.dataset.column);
      if (el.parentNode !== grid) {
        var holder = el.parentNode;
        grid.appendChild(el);
        if (holder && holder.tagName === "LI" && !holder.children.length) holder.remove();
      }
    } else if (sideList && el.parentNode.parentNode !== sideList) {
      var li = document.createElement("li");
      sideList.appendChild(li);
      li.appendChild(el);
    }
    el.querySelector(".se-item-time").textContent = clock(s.start) + "–" + clock(s.end);
    var day = gridOfDay(s.day);
    if (day) el.querySelector(".se-item-day").textContent = " · " + day.dataset.label;
    el.setAttribute("aria-label", describe(el, s));
  }

  function commit(el, s) {
    el.dataset.day = s.day;
    el.dataset.start = clock(s.start);
    el.dataset.end = clock(s.end);
    el.dataset.room = s.room;
  }
  function same(a, b) {
    return a.day === b.day && a.start === b.start && a.end === b.end && a.room === b.room;
  }

  /* Sends the move; on refusal the item goes back where it was and the reason is said. */
  function save(el, s) {
    var before = stateOf(el);
    el.classList.remove("se-pending");
    if (same(before, s)) { place(el, before); return; }
    var body = new FormData();
    body.append("item", el.dataset.item);
    body.append("day", s.day);
    body.append("start", clock(s.start));
    body.append("end", clock(s.end % (24 * 60)));
    body.append("room", s.room);
    say(root.dataset.textSaving, "");
    el.setAttribute("aria-busy", "true");
    fetch(root.dataset.moveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": tokenInput ? tokenInput.value : "" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (answer) {
      el.removeAttribute("aria-busy");
      if (answer.ok && answer.data.ok) {
        var item = answer.data.item;
        var saved = { day: item.day, start: minutes(item.start), end: minutes(item.end),
                      room: item.room === null ? "" : String(item.room) };
        commit(el, saved);
        place(el, saved);
        el.classList.remove("se-refused");
        say(answer.data.message, "ok");
      } else {
        place(el, before);
        el.classList.add("se-refused");
        say(answer.data.error, "error");
      }
      el.focus();
    }).catch(function () {
      el.removeAttribute("aria-busy");
      place(el, before);
      say(root.dataset.textFailed, "error");
      el.focus();
    });
  }

  /* --- keyboard --------------------------------------------------------------------------- */
  var pending = new WeakMap();

  /* One room column left or right; left of the first room is "without a room". */
  function roomStep(s, direction) {
    var grid = gridOfDay(s.day);
    if (!grid) return s;
    var ids = heads(grid).map(function (h) { return h.dataset.room; });
    var index = s.room ? ids.indexOf(s.room) + direction : (direction > 0 ? 0 : -1);
    var room = index < 0 ? "" : ids[Math.min(index, ids.length - 1)];
    return { day: s.day, start: s.start, end: s.end, room: room };
  }

  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (!el.classList || !el.classList.contains("se-item")) return;
    var s = pending.get(el) || stateOf(el);
    var length = s.end - s.start, next = null;
    switch (event.key) {
      case "ArrowUp":
        next = event.shiftKey
          ? { day: s.day, start: s.start, end: Math.max(s.end - SLOT, s.start + SLOT), room: s.room }
          : { day: s.day, start: Math.max(s.start - SLOT, 0), end: Math.max(s.start - SLOT, 0) + length, room: s.room };
        break;
      case "ArrowDown":
        next = event.shiftKey
          ? { day: s.day, start: s.start, end: Math.min(s.end + SLOT, 24 * 60), room: s.room }
          : { day: s.day, start: Math.min(s.start + SLOT, 24 * 60 - length), end: Math.min(s.start + SLOT, 24 * 60 - length) + length, room: s.room };
        break;
      case "ArrowLeft": next = roomStep(s, -1); break;
      case "ArrowRight": next = roomStep(s, 1); break;
      case "Enter": case " ":
        if (pending.has(el)) {
          event.preventDefault();
          var target = pending.get(el);
          pending.delete(el);
          save(el, target);
        }
        return;
      case "Escape":
        if (pending.has(el)) {
          event.preventDefault();
          pending.delete(el);
          el.classList.remove("se-pending");
          place(el, stateOf(el));
          say("", "");
          el.focus();
        }
        return;
      default: return;
    }
    event.preventDefault();
    pending.set(el, next);
    el.classList.add("se-pending");
    place(el, next);
    el.focus();
    say(root.dataset.textPending.replace("%(where)s", describe(el, next)), "");
  });

  /* --- pointer ---------------------------------------------------------------------------- */
  var drag = null;

  function gridAt(x, y) {
    var found = document.elementsFromPoint(x, y);
    for (var i = 0; i < found.length; i++) {
      if (found[i].classList.contains("se-grid")) return found[i];
      if (found[i] === side) return side;
    }
    return null;
  }
  function rowTop(grid) {
    var time = grid.querySelector(".se-time");
    return time.getBoundingClientRect().top;
  }
  function rowHeight(grid) {
    var times = grid.querySelectorAll(".se-time");
    var first = times[0].getBoundingClientRect(), last = times[times.length - 1].getBoundingClientRect();
    return (last.bottom - first.top) / (times.length * 60 / SLOT);
  }
  function columnAt(grid, x) {
    var list = heads(grid);
    for (var i = 0; i < list.length; i++) {
      var r = list[i].getBoundingClientRect();
      if (x >= r.left - 2 && x <= r.right + 2) return list[i].dataset.room;
    }
    return null;
  }
  function slotAt(grid, y) {
    var first = parseInt(grid.dataset.first, 10);
    return first + Math.floor((y - rowTop(grid)) / rowHeight(grid)) * SLOT;
  }

  document.addEventListener("pointerdown", function (event) {
    // Fingers scroll the page (a touch must not move an item by accident); on a phone or
    // tablet the "Move…" forms do the job.
    if (event.button !== 0 || event.pointerType === "touch") return;
    var el = event.target.closest && event.target.closest(".se-item");
    if (!el || event.target.closest("a")) return;
    var s = pending.get(el) || stateOf(el);
    var resizing = event.target.classList.contains("se-resize");
    var grid = el.closest(".se-grid");
    var grab = 0;
    if (grid) grab = slotAt(grid, event.clientY) - s.start;
    drag = { el: el, start: s, now: s, resizing: resizing, grab: grab, x: event.clientX,
             y: event.clientY, moved: false, pointer: event.pointerId };
    el.setPointerCapture(event.pointerId);
    event.preventDefault();
    el.focus();
  });

  document.addEventListener("pointermove", function (event) {
    if (!drag || event.pointerId !== drag.pointer) return;
    if (!drag.moved && Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y) < 4) return;
    drag.moved = true;
    drag.el.classList.add("se-dragging");
    var s = drag.start, length = s.end - s.start, next = drag.now;
    var target = gridAt(event.clientX, event.clientY);
    if (side) side.classList.toggle("se-over", target === side && !drag.resizing);
    if (drag.resizing) {
      var grid = drag.el.closest(".se-grid");
      if (!grid) return;
      var end = slotAt(grid, event.clientY) + SLOT;
      end = Math.min(Math.max(end, s.start + SLOT), parseInt(grid.dataset.last, 10));
      next = { day: s.day, start: s.start, end: end, room: s.room };
    } else if (target === side) {
      next = { day: s.day, start: s.start, end: s.end, room: "" };
    } else if (target) {
      var room = columnAt(target, event.clientX);
      if (!room) return;
      var first = parseInt(target.dataset.first, 10), last = parseInt(target.dataset.last, 10);
      var start = slotAt(target, event.clientY) - (target.dataset.day === s.day ? drag.grab : 0);
      start = Math.min(Math.max(start, first), Math.max(last - length, first));
      next = { day: target.dataset.day, start: start, end: start + length, room: room };
    }
    if (!same(next, drag.now)) {
      drag.now = next;
      place(drag.el, next);
    }
  });

  function endDrag(event, cancelled) {
    if (!drag || event.pointerId !== drag.pointer) return;
    var d = drag;
    drag = null;
    d.el.classList.remove("se-dragging");
    if (side) side.classList.remove("se-over");
    if (!d.moved) return;
    if (cancelled) { place(d.el, stateOf(d.el)); return; }
    pending.delete(d.el);
    save(d.el, d.now);
  }
  document.addEventListener("pointerup", function (event) { endDrag(event, false); });
  document.addEventListener("pointercancel", function (event) { endDrag(event, true); });
})();
