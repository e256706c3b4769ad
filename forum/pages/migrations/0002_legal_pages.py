"""Seeds the legal notice, privacy policy and accessibility statement (PRODUCT.md 3.5) and
lets the Organisers group edit pages in admin.

The texts are a realistic starting point; the parts marked [TO BE COMPLETED BY THE
OPERATOR] / [VOM BETREIBER ZU ERGÄNZEN] must be filled in before going live. Existing rows
are never overwritten, so an organiser's edits survive a re-run.
"""

from django.db import migrations

from forum.organisers import grant_app_permissions

OPERATOR_DE = """REWIMET e. V. – Recyclingcluster wirtschaftsstrategische Metalle
Musterstraße 1
38640 Goslar
[Platzhalteranschrift – VOM BETREIBER ZU ERGÄNZEN]"""

OPERATOR_EN = """REWIMET e. V. – Recycling cluster for economically strategic metals
Musterstraße 1
38640 Goslar, Germany
[Placeholder address – TO BE COMPLETED BY THE OPERATOR]"""

IMPRESSUM_DE = f"""Hinweis für den Betreiber: Alle Angaben in eckigen Klammern sind Platzhalter und müssen vor der Veröffentlichung vervollständigt werden.

Angaben gemäß § 5 Digitale-Dienste-Gesetz (DDG)

{OPERATOR_DE}

Vertreten durch den Vorstand: [Namen der vertretungsberechtigten Vorstandsmitglieder – VOM BETREIBER ZU ERGÄNZEN]

Registereintrag: Eingetragen im Vereinsregister des Amtsgerichts [Ort], Registernummer VR [Nummer] [VOM BETREIBER ZU ERGÄNZEN]

Kontakt
Telefon: [Telefonnummer – VOM BETREIBER ZU ERGÄNZEN]
E-Mail: [E-Mail-Adresse – VOM BETREIBER ZU ERGÄNZEN]

Umsatzsteuer-Identifikationsnummer gemäß § 27a Umsatzsteuergesetz: [falls vorhanden – VOM BETREIBER ZU ERGÄNZEN]

Verantwortlich für den Inhalt nach § 18 Abs. 2 Medienstaatsvertrag (MStV): [Name, Anschrift wie oben – VOM BETREIBER ZU ERGÄNZEN]

Inhalte der Mitglieder
Forschungsbedarfe, Antworten, Organisationsprofile und Nachrichten werden von den Mitgliedern selbst eingestellt; für diese Inhalte sind die jeweiligen Organisationen verantwortlich. Die Clustergeschäftsstelle prüft Forschungsbedarfe vor ihrer Veröffentlichung. Wenn Sie einen rechtswidrigen Inhalt bemerken, schreiben Sie uns bitte an die oben genannte E-Mail-Adresse; wir entfernen ihn unverzüglich.

Haftung für Links
Diese Plattform enthält Links zu Websites Dritter, etwa zu den Websites der Mitgliedsorganisationen. Auf deren Inhalte haben wir keinen Einfluss; verantwortlich ist der jeweilige Anbieter.

Verbraucherstreitbeilegung
Wir sind nicht bereit und nicht verpflichtet, an Streitbeilegungsverfahren vor einer Verbraucherschlichtungsstelle teilzunehmen.

Förderung
Das Innovationsforum Recyclingregion Harz wurde öffentlich gefördert (Förderkennzeichen 01MI2001). [Fördermittelgeber und gegebenenfalls Logo – VOM BETREIBER ZU ERGÄNZEN]"""

IMPRESSUM_EN = f"""Note for the operator: everything in square brackets is a placeholder and must be completed before the site goes live.

Information according to section 5 of the German Digital Services Act (DDG)

{OPERATOR_EN}

Represented by the board: [names of the board members authorised to represent the association – TO BE COMPLETED BY THE OPERATOR]

Register entry: registered in the register of associations of the local court of [town], register number VR [number] [TO BE COMPLETED BY THE OPERATOR]

Contact
Phone: [phone number – TO BE COMPLETED BY THE OPERATOR]
Email: [email address – TO BE COMPLETED BY THE OPERATOR]

VAT identification number according to section 27a of the German VAT Act: [if any – TO BE COMPLETED BY THE OPERATOR]

Responsible for the content according to section 18 (2) of the German Interstate Media Treaty (MStV): [name, address as above – TO BE COMPLETED BY THE OPERATOR]

Content posted by members
Research needs, answers, organisation profiles and messages are posted by the members themselves; each organisation is responsible for its own content. The cluster management reviews research needs before they are published. If you notice unlawful content, please write to the email address above and we will remove it without delay.

Links to other websites
This platform links to websites of third parties, for example those of member organisations. We have no influence on their content; the respective provider is responsible for it.

Consumer dispute resolution
We are neither willing nor obliged to take part in dispute resolution proceedings before a consumer arbitration board.

Funding
The Innovation Forum Recycling Region Harz received public funding (funding reference 01MI2001). [Funding body and logo if required – TO BE COMPLETED BY THE OPERATOR]

The German version of this legal notice is the binding one."""

PRIVACY_DE = f"""Hinweis für den Betreiber: Alle Angaben in eckigen Klammern sind Platzhalter und müssen vor der Veröffentlichung vervollständigt werden.

1. Verantwortlicher
Verantwortlich für die Verarbeitung personenbezogener Daten auf dieser Plattform im Sinne der Datenschutz-Grundverordnung (DSGVO) ist:

{OPERATOR_DE}
E-Mail: [E-Mail-Adresse – VOM BETREIBER ZU ERGÄNZEN]

Datenschutzbeauftragte oder Datenschutzbeauftragter: [falls benannt, Name und Kontakt – VOM BETREIBER ZU ERGÄNZEN]

2. Was diese Plattform ist
Das Innovationsforum Recyclingregion Harz bringt kleine und mittlere Unternehmen, Forschungseinrichtungen und Kommunen zusammen: Mitglieder formulieren Forschungsbedarfe, beantworten sie, tauschen Nachrichten aus und melden sich zu Veranstaltungen an.

3. Aufruf der Website
Wenn Sie eine Seite aufrufen, verarbeitet unser Server technisch notwendige Daten: IP-Adresse, Zeitpunkt, aufgerufene Adresse, Statuscode und Browserkennung. Wir nutzen sie nur, um die Plattform sicher zu betreiben und Angriffe abzuwehren (Art. 6 Abs. 1 lit. f DSGVO), und löschen Serverprotokolle nach spätestens [14] Tagen.

4. Cookies
Wir setzen nur zwei technisch notwendige Cookies:
– „sessionid“ hält Sie nach der Anmeldung angemeldet und wird beim Abmelden bzw. nach Ablauf der Sitzung ungültig;
– „csrftoken“ schützt Formulare vor Missbrauch durch fremde Websites (Cross-Site Request Forgery).
Die Sprache steht in der Adresse (/en/ für Englisch), nicht in einem Cookie. Weil beide Cookies für den Dienst unbedingt erforderlich sind, brauchen sie keine Einwilligung (§ 25 Abs. 2 Nr. 2 TDDDG).

5. Kein Tracking, keine Drittanbieter
Wir verwenden keine Analyse- oder Tracking-Werkzeuge, keine Werbung und keine Social-Media-Plugins. Beim Aufruf der Seiten werden keine Inhalte von anderen Servern geladen: Stylesheets, Skripte, Schriften und Bilder liefert die Plattform selbst aus. Ihre IP-Adresse gelangt daher beim Seitenaufruf an niemanden außer uns.

6. Mitgliedskonto und Organisationsprofil
Für ein Konto verarbeiten wir Ihre E-Mail-Adresse, Ihr Passwort (nur als sicherer Hash gespeichert), Namen, Position, freiwillig Ihre Telefonnummer und Fachgebiete sowie Ihre Sprach- und Benachrichtigungseinstellungen. Zu Ihrer Organisation speichern wir die Angaben, die Sie im Profil machen. Rechtsgrundlage ist die Nutzung der Plattform auf Ihren Wunsch (Art. 6 Abs. 1 lit. b DSGVO). Organisationsprofile sind im Mitgliederverzeichnis öffentlich sichtbar.

7. Forschungsbedarfe, Antworten und Nachrichten
Was Sie einstellen, sehen je nach gewählter Sichtbarkeit alle Besucher (Titel und Kurzfassung öffentlicher Bedarfe), nur angemeldete Mitglieder oder nur die beteiligten Organisationen. Bei anonymen Bedarfen erfahren andere Mitglieder erst dann, wer dahintersteht, wenn Sie eine Antwort annehmen. Die Clustergeschäftsstelle sieht Inhalte, soweit sie sie für die Moderation braucht.

8. Veranstaltungen
Für eine Anmeldung verarbeiten wir Namen, E-Mail-Adresse, Organisation, die gewählten Tage und freiwillig Angaben zu Ernährung und Barrierefreiheit. Angaben zur Barrierefreiheit nutzen wir ausschließlich, um Ihnen die Teilnahme zu ermöglichen, und löschen sie nach der Veranstaltung. Rechtsgrundlage ist Art. 6 Abs. 1 lit. b DSGVO, bei Angaben zur Gesundheit Ihre ausdrückliche Einwilligung (Art. 9 Abs. 2 lit. a DSGVO).

9. Einwilligungen
Einwilligungen, etwa für die Aufnahme in die Teilnehmerliste oder für Informationen per E-Mail, sind freiwillig. Wir speichern jede Einwilligung mit dem Zeitpunkt, zu dem Sie sie erteilt oder widerrufen haben, damit wir sie nachweisen können. Sie können eine Einwilligung jederzeit mit Wirkung für die Zukunft in Ihrem Konto oder per E-Mail an uns widerrufen.

10. E-Mails
Wir senden E-Mails, die für den Dienst nötig sind (Bestätigung der Adresse, Passwort zurücksetzen, Einladungen, Anmeldebestätigungen), sowie Benachrichtigungen, die Sie in Ihrem Konto selbst einstellen oder abschalten können. Für den Versand nutzen wir [Name des E-Mail-Dienstleisters bzw. eigener Mailserver – VOM BETREIBER ZU ERGÄNZEN].

11. Hosting und Empfänger
Die Plattform läuft auf Servern von [Name und Sitz des Hosting-Anbieters in der EU – VOM BETREIBER ZU ERGÄNZEN], mit dem wir einen Vertrag zur Auftragsverarbeitung (Art. 28 DSGVO) geschlossen haben. Eine Übermittlung in Länder außerhalb der EU findet nicht statt. Weitere Empfänger gibt es nicht, es sei denn, das Gesetz verpflichtet uns dazu.

12. Speicherdauer
Wir speichern Ihre Daten, solange Ihr Konto besteht. Löschen Sie Ihr Konto, entfernen wir Ihre personenbezogenen Daten; Beiträge, auf die sich andere verlassen (zum Beispiel Antworten und Nachrichten in Gesprächen), bleiben erhalten, werden aber als „gelöschtes Mitglied“ angezeigt. Gesetzliche Aufbewahrungspflichten bleiben unberührt.

13. Ihre Daten herunterladen und Ihr Konto löschen
In Ihrem Konto können Sie jederzeit alle zu Ihnen gespeicherten Daten als JSON-Datei herunterladen und Ihr Konto selbst löschen.

14. Ihre Rechte
Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16), Löschung (Art. 17), Einschränkung der Verarbeitung (Art. 18), Datenübertragbarkeit (Art. 20) und Widerspruch gegen Verarbeitungen auf Grundlage berechtigter Interessen (Art. 21). Sie können sich außerdem bei einer Datenschutzaufsichtsbehörde beschweren, etwa bei der Landesbeauftragten für den Datenschutz Niedersachsen, Prinzenstraße 5, 30159 Hannover.

Stand: [Datum – VOM BETREIBER ZU ERGÄNZEN]"""

PRIVACY_EN = f"""Note for the operator: everything in square brackets is a placeholder and must be completed before the site goes live.

1. Controller
The controller responsible for processing personal data on this platform within the meaning of the General Data Protection Regulation (GDPR) is:

{OPERATOR_EN}
Email: [email address – TO BE COMPLETED BY THE OPERATOR]

Data protection officer: [if appointed, name and contact – TO BE COMPLETED BY THE OPERATOR]

2. What this platform is
The Innovation Forum Recycling Region Harz brings small and medium-sized enterprises, research institutions and municipalities together: members formulate research needs, answer them, exchange messages and register for events.

3. Visiting the website
When you open a page, our server processes technically necessary data: IP address, time, requested address, status code and browser identification. We use it only to run the platform securely and to fend off attacks (Art. 6(1)(f) GDPR), and delete server logs after [14] days at the latest.

4. Cookies
We set only two strictly necessary cookies:
– "sessionid" keeps you logged in after you log in and becomes invalid when you log out or the session ends;
– "csrftoken" protects forms against misuse by other websites (cross-site request forgery).
The language is part of the address (/en/ for English), not stored in a cookie. As both cookies are strictly necessary for the service, they do not require consent (section 25(2) no. 2 TDDDG).

5. No tracking, no third parties
We use no analytics or tracking tools, no advertising and no social media plugins. Pages load nothing from other servers: style sheets, scripts, fonts and images are all served by the platform itself. Your IP address is therefore not passed to anyone but us when you view a page.

6. Member account and organisation profile
For an account we process your email address, your password (stored only as a secure hash), name, position, optionally your phone number and areas of expertise, and your language and notification settings. For your organisation we store what you enter in its profile. The legal basis is your use of the platform at your request (Art. 6(1)(b) GDPR). Organisation profiles are publicly visible in the member directory.

7. Research needs, answers and messages
Depending on the visibility you choose, what you post is seen by all visitors (title and summary of public needs), only by logged-in members, or only by the organisations involved. For anonymous needs, other members learn who is behind them only when you accept their answer. The cluster management sees content as far as it needs to for moderation.

8. Events
When you register, we process your name, email address, organisation, the days you choose and, optionally, dietary and accessibility needs. We use accessibility information only to make your participation possible and delete it after the event. The legal basis is Art. 6(1)(b) GDPR and, for health-related information, your explicit consent (Art. 9(2)(a) GDPR).

9. Consents
Consents, for example to appear in the attendee list or to receive information by email, are voluntary. We store every consent together with the time you gave or withdrew it, so that we can prove it. You can withdraw a consent at any time with effect for the future in your account or by writing to us.

10. Emails
We send emails the service needs (confirming your address, password reset, invitations, registration confirmations) and notifications that you can set or switch off yourself in your account. Mail is sent through [name of the email service provider or own mail server – TO BE COMPLETED BY THE OPERATOR].

11. Hosting and recipients
The platform runs on servers of [name and seat of the hosting provider in the EU – TO BE COMPLETED BY THE OPERATOR], with whom we have concluded a data processing agreement (Art. 28 GDPR). No data is transferred to countries outside the EU. There are no other recipients unless the law obliges us.

12. Storage period
We keep your data as long as your account exists. When you delete your account, we remove your personal data; contributions others rely on (for example answers and messages in conversations) remain but are shown as from a "deleted member". Statutory retention duties remain unaffected.

13. Downloading your data and deleting your account
In your account you can download all data stored about you as a JSON file and delete your account yourself at any time.

14. Your rights
You have the right of access (Art. 15 GDPR), rectification (Art. 16), erasure (Art. 17), restriction of processing (Art. 18), data portability (Art. 20) and to object to processing based on legitimate interests (Art. 21). You may also lodge a complaint with a data protection supervisory authority, for example the State Commissioner for Data Protection of Lower Saxony, Prinzenstraße 5, 30159 Hannover.

Last updated: [date – TO BE COMPLETED BY THE OPERATOR]

The German version of this privacy policy is the binding one."""

ACCESSIBILITY_DE = """Hinweis für den Betreiber: Alle Angaben in eckigen Klammern sind Platzhalter und müssen vor der Veröffentlichung vervollständigt werden.

Der REWIMET e. V. möchte, dass alle Menschen das Innovationsforum Recyclingregion Harz nutzen können. Diese Erklärung gilt für die Plattform unter [Adresse der Website – VOM BETREIBER ZU ERGÄNZEN].

Ziel und Stand der Vereinbarkeit
Die Plattform soll die Anforderungen der Web Content Accessibility Guidelines (WCAG) 2.1 auf Stufe AA erfüllen. Wir prüfen die wichtigsten Seiten auf Deutsch und Englisch bei jeder Änderung automatisch und testen die Bedienung mit der Tastatur.

Was wir dafür tun
– Alle Funktionen lassen sich mit der Tastatur bedienen; der Fokus ist deutlich sichtbar.
– Ein Link „Zum Hauptinhalt springen“ steht am Anfang jeder Seite.
– Seiten haben eine klare Überschriftenstruktur und benannte Bereiche (Navigation, Hauptinhalt, Fußzeile).
– Formularfelder sind beschriftet; Fehler werden beim jeweiligen Feld in Textform angezeigt.
– Farben erfüllen mindestens das Kontrastverhältnis der Stufe AA.
– Die Sprache jeder Seite ist ausgezeichnet; die gesamte Oberfläche gibt es auf Deutsch und Englisch.
– Die Seiten funktionieren ohne JavaScript und bei Vergrößerung auf 200 %.

Bekannte Einschränkungen
– Von Mitgliedern hochgeladene PDF-Dokumente sind möglicherweise nicht barrierefrei. Wenn Sie ein Dokument in anderer Form brauchen, helfen wir gern.
– [Weitere bekannte Barrieren nach der Prüfung – VOM BETREIBER ZU ERGÄNZEN]

Barriere melden und Feedback
Wenn Sie auf eine Barriere stoßen oder Inhalte in einer anderen Form benötigen, schreiben Sie uns bitte:
E-Mail: [E-Mail-Adresse – VOM BETREIBER ZU ERGÄNZEN]
Telefon: [Telefonnummer – VOM BETREIBER ZU ERGÄNZEN]
Post: REWIMET e. V., Musterstraße 1, 38640 Goslar [Platzhalteranschrift – VOM BETREIBER ZU ERGÄNZEN]
Wir antworten innerhalb von zwei Wochen.

Barrierefreiheit bei Veranstaltungen
Bei der Anmeldung zu Workshops und zum Forum können Sie angeben, was Sie für Ihre Teilnahme brauchen, zum Beispiel einen stufenlosen Zugang oder eine Begleitperson.

Erstellung dieser Erklärung
Diese Erklärung wurde am [Datum – VOM BETREIBER ZU ERGÄNZEN] auf Grundlage einer Selbstbewertung erstellt."""

ACCESSIBILITY_EN = """Note for the operator: everything in square brackets is a placeholder and must be completed before the site goes live.

REWIMET e. V. wants everyone to be able to use the Innovation Forum Recycling Region Harz. This statement applies to the platform at [website address – TO BE COMPLETED BY THE OPERATOR].

Target and compliance status
The platform aims to meet the Web Content Accessibility Guidelines (WCAG) 2.1 at level AA. We check the main pages in German and English automatically with every change and test operation by keyboard.

What we do
– Every function can be used with the keyboard; the focus is clearly visible.
– A "Skip to main content" link is at the start of every page.
– Pages have a clear heading structure and named regions (navigation, main content, footer).
– Form fields have labels; errors are shown in text next to the field concerned.
– Colours meet at least the level AA contrast ratio.
– The language of every page is marked up; the whole interface is available in German and English.
– The pages work without JavaScript and when zoomed to 200 %.

Known limitations
– PDF documents uploaded by members may not be accessible. If you need a document in another form, we are glad to help.
– [Further known barriers after the audit – TO BE COMPLETED BY THE OPERATOR]

Reporting a barrier and feedback
If you come across a barrier or need content in another form, please contact us:
Email: [email address – TO BE COMPLETED BY THE OPERATOR]
Phone: [phone number – TO BE COMPLETED BY THE OPERATOR]
Post: REWIMET e. V., Musterstraße 1, 38640 Goslar, Germany [placeholder address – TO BE COMPLETED BY THE OPERATOR]
We answer within two weeks.

Accessibility at events
When you register for workshops and the forum you can tell us what you need to take part, for example step-free access or an accompanying person.

Preparation of this statement
This statement was prepared on [date – TO BE COMPLETED BY THE OPERATOR] on the basis of a self-assessment."""

PAGES = [
    ("impressum", "Impressum", "Legal notice", IMPRESSUM_DE, IMPRESSUM_EN),
    ("privacy", "Datenschutzerklärung", "Privacy policy", PRIVACY_DE, PRIVACY_EN),
    (
        "accessibility",
        "Erklärung zur Barrierefreiheit",
        "Accessibility statement",
        ACCESSIBILITY_DE,
        ACCESSIBILITY_EN,
    ),
]


def seed_pages(apps, schema_editor):
    Page = apps.get_model("pages", "Page")
    for slug, title_de, title_en, body_de, body_en in PAGES:
        Page.objects.get_or_create(
            slug=slug,
            defaults={
                "title_de": title_de,
                "title_en": title_en,
                "body_de": body_de,
                "body_en": body_en,
            },
        )
    grant_app_permissions(apps, ["pages"])


def unseed_pages(apps, schema_editor):
    # Leave the pages in place: they may have been edited by organisers since.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_initial"),
        ("members", "0003_organisers_group"),
    ]
    operations = [migrations.RunPython(seed_pages, unseed_pages)]
