// Slugs the admin fills in from a title (prepopulated_fields) transliterate umlauts the
// German way, like forum.text.slugify_de: "Metallrückgewinnung" -> "metallrueckgewinnung".
// Django's URLify would make it "metallruckgewinnung". Loaded by templates/admin/base_site.html.
(function () {
  "use strict";
  var german = { "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS" };
  var original = window.URLify;
  if (typeof original !== "function") {
    return;
  }
  window.URLify = function (s, numChars, allowUnicode) {
    var text = String(s).normalize("NFC").replace(/[äöüÄÖÜßẞ]/g, function (c) { return german[c]; });
    return original(text, numChars, allowUnicode);
  };
})();
