<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
    <context>
        <name>distillery::ui::AgreementPanel</name>
        <message>
            <source>Filing type</source>
            <translation>Berichtsart</translation>
        </message>
        <message>
            <source>Labelled</source>
            <translation>Bewertet</translation>
        </message>
        <message>
            <source>Agreement</source>
            <translation>Übereinstimmung</translation>
        </message>
        <message>
            <source>Cohen's κ</source>
            <translation>Cohens κ</translation>
        </message>
        <message>
            <source>Weighted κ</source>
            <translation>Gewichtetes κ</translation>
        </message>
        <message>
            <source>teacher %1</source>
            <translation>Lehrer %1</translation>
        </message>
        <message>
            <source>human %1</source>
            <translation>Mensch %1</translation>
        </message>
        <message>
            <source>Export labels as JSONL...</source>
            <translation>Bewertungen als JSONL exportieren …</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>Aktualisieren</translation>
        </message>
        <message>
            <source>all filing types</source>
            <translation>alle Berichtsarten</translation>
        </message>
        <message>
            <source>No labelled pairs yet: grade pairs with keys 0-3 in the pair inspector.</source>
            <translation>Noch keine bewerteten Paare: Paare im Paar-Inspektor mit den Tasten 0–3 bewerten.</translation>
        </message>
        <message>
            <source>Confusion matrix for %1 (rows: human grade, columns: teacher grade)</source>
            <translation>Konfusionsmatrix für %1 (Zeilen: menschliche Note, Spalten: Note des Lehrers)</translation>
        </message>
        <message>
            <source>Export labelled pairs</source>
            <translation>Bewertete Paare exportieren</translation>
        </message>
        <message>
            <source>JSON Lines (*.jsonl);;All files (*)</source>
            <translation>JSON Lines (*.jsonl);;Alle Dateien (*)</translation>
        </message>
        <message>
            <source>95% interval</source>
            <translation>95-%-Intervall</translation>
        </message>
        <message>
            <source>Relevant or not</source>
            <translation>Relevant oder nicht</translation>
        </message>
        <message>
            <source>The teacher's accuracy against your labels as gold: pairs graded exactly as you graded them</source>
            <translation>Die Genauigkeit des Lehrers gemessen an Ihren Bewertungen: Paare, die er genau wie Sie bewertet hat</translation>
        </message>
        <message>
            <source>95% Wilson interval of the agreement: with few labels it is wide</source>
            <translation>95-%-Wilson-Intervall der Übereinstimmung: Bei wenigen Bewertungen ist es breit</translation>
        </message>
        <message>
            <source>Pairs the teacher put on your side of grade 2 (relevant or not): how often mining, which splits positives from negatives there, decides as you would</source>
            <translation>Paare, die der Lehrer auf dieselbe Seite der Note 2 gelegt hat wie Sie (relevant oder nicht): wie oft das Mining, das dort Positive von Negativen trennt, so entscheidet wie Sie</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::ApiKeyStore</name>
        <message>
            <source>No keyring service is running, so the OS keychain cannot hold the key. Start a Secret Service provider such as gnome-keyring or KWallet and try again, or keep the key in an environment variable: choose "Environment variable" in Settings and name it there.</source>
            <translation>Es läuft kein Schlüsselbund-Dienst, daher kann der Schlüsselbund des Systems den Schlüssel nicht aufnehmen. Starten Sie einen Secret-Service-Anbieter wie gnome-keyring oder KWallet und versuchen Sie es erneut, oder halten Sie den Schlüssel in einer Umgebungsvariable: wählen Sie in den Einstellungen „Umgebungsvariable“ und nennen Sie sie dort.</translation>
        </message>
        <message>
            <source>No API key is stored in the keychain yet.</source>
            <translation>Im Schlüsselbund ist noch kein API-Schlüssel gespeichert.</translation>
        </message>
        <message>
            <source>Access to the keychain was denied. Allow Distillery when the keyring asks, or keep the key in an environment variable.</source>
            <translation>Der Zugriff auf den Schlüsselbund wurde verweigert. Erlauben Sie Distillery den Zugriff, wenn der Schlüsselbund fragt, oder halten Sie den Schlüssel in einer Umgebungsvariable.</translation>
        </message>
        <message>
            <source>The keychain refused access; it may be locked. Unlock it (for example by logging in again) and try again.</source>
            <translation>Der Schlüsselbund hat den Zugriff verweigert; er ist vielleicht gesperrt. Entsperren Sie ihn (etwa durch erneutes Anmelden) und versuchen Sie es erneut.</translation>
        </message>
        <message>
            <source>This system's keychain cannot store the key. Keep it in an environment variable instead (Settings, Variable name).</source>
            <translation>Der Schlüsselbund dieses Systems kann den Schlüssel nicht speichern. Halten Sie ihn stattdessen in einer Umgebungsvariable (Einstellungen, Variablenname).</translation>
        </message>
        <message>
            <source>The keychain failed without saying why. Check that a keyring service (gnome-keyring, KWallet) is running and unlocked, or keep the key in an environment variable.</source>
            <translation>Der Schlüsselbund ist ohne Angabe von Gründen gescheitert. Prüfen Sie, ob ein Schlüsselbund-Dienst (gnome-keyring, KWallet) läuft und entsperrt ist, oder halten Sie den Schlüssel in einer Umgebungsvariable.</translation>
        </message>
        <message>
            <source>The keychain failed: %1</source>
            <translation>Der Schlüsselbund ist gescheitert: %1</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::CorpusBrowser</name>
        <message>
            <source>Full-text search (words, prefix*)</source>
            <translation>Volltextsuche (Wörter, Präfix*)</translation>
        </message>
        <message>
            <source>Corpus:</source>
            <translation>Korpus:</translation>
        </message>
        <message>
            <source>&amp;Type:</source>
            <translation>&amp;Art:</translation>
        </message>
        <message>
            <source>Co&amp;mpany:</source>
            <translation>&amp;Unternehmen:</translation>
        </message>
        <message>
            <source>Pe&amp;riod:</source>
            <translation>&amp;Zeitraum:</translation>
        </message>
        <message>
            <source>Sec&amp;tion:</source>
            <translation>Ab&amp;schnitt:</translation>
        </message>
        <message>
            <source>&amp;Passages</source>
            <translation>&amp;Passagen</translation>
        </message>
        <message>
            <source>&amp;Documents</source>
            <translation>&amp;Dokumente</translation>
        </message>
        <message>
            <source>All corpora</source>
            <translation>Alle Korpora</translation>
        </message>
        <message>
            <source>any type</source>
            <translation>jede Art</translation>
        </message>
        <message>
            <source>any company</source>
            <translation>jedes Unternehmen</translation>
        </message>
        <message>
            <source>any period</source>
            <translation>jeder Zeitraum</translation>
        </message>
        <message>
            <source>any section</source>
            <translation>jeder Abschnitt</translation>
        </message>
        <message>
            <source>more than %1</source>
            <translation>mehr als %1</translation>
        </message>
        <message>
            <source>%1 passages</source>
            <translation>%1 Passagen</translation>
        </message>
        <message>
            <source>%1 documents</source>
            <translation>%1 Dokumente</translation>
        </message>
        <message>
            <source>%1, the first %2 loaded (more load as you scroll)</source>
            <translation>%1, die ersten %2 geladen (weitere beim Blättern)</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::DocumentTableModel</name>
        <message>
            <source>ID</source>
            <translation>ID</translation>
        </message>
        <message>
            <source>Filing type</source>
            <translation>Berichtsart</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Unternehmen</translation>
        </message>
        <message>
            <source>Period</source>
            <translation>Zeitraum</translation>
        </message>
        <message>
            <source>Filed</source>
            <translation>Eingereicht</translation>
        </message>
        <message>
            <source>Title</source>
            <translation>Titel</translation>
        </message>
        <message>
            <source>Passages</source>
            <translation>Passagen</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::EdgarDownloadDialog</name>
        <message>
            <source>Download from EDGAR</source>
            <translation>Von EDGAR herunterladen</translation>
        </message>
        <message>
            <source>Jane Analyst jane@example.com</source>
            <translation>Erika Analystin erika@example.com</translation>
        </message>
        <message>
            <source>Your name and e-mail. SEC asks every program that downloads from EDGAR to name a contact and blocks those that do not.</source>
            <translation>Ihr Name und Ihre E-Mail-Adresse. Die SEC verlangt von jedem Programm, das von EDGAR lädt, einen Kontakt und sperrt Programme ohne.</translation>
        </message>
        <message>
            <source>AAPL, MSFT, 320193</source>
            <translation>AAPL, MSFT, 320193</translation>
        </message>
        <message>
            <source>Tickers or CIK numbers, separated by commas or spaces.</source>
            <translation>Ticker oder CIK-Nummern, durch Kommas oder Leerzeichen getrennt.</translation>
        </message>
        <message>
            <source>other forms, e.g. 20-F</source>
            <translation>weitere Formulare, z. B. 20-F</translation>
        </message>
        <message>
            <source>YYYY-MM-DD (empty: no limit)</source>
            <translation>JJJJ-MM-TT (leer: keine Grenze)</translation>
        </message>
        <message>
            <source>all</source>
            <translation>alle</translation>
        </message>
        <message>
            <source>The newest N filings of each company that match the forms and dates; 0 takes all.</source>
            <translation>Die neuesten N Einreichungen jedes Unternehmens, die zu Formularen und Daten passen; 0 nimmt alle.</translation>
        </message>
        <message>
            <source>Where the filings and their metadata.jsonl are written. Downloading into the same folder again fetches only what is missing.</source>
            <translation>Wohin die Einreichungen und ihre metadata.jsonl geschrieben werden. Ein erneuter Download in denselben Ordner holt nur, was fehlt.</translation>
        </message>
        <message>
            <source>&amp;Browse...</source>
            <translation>&amp;Durchsuchen...</translation>
        </message>
        <message>
            <source>Download into</source>
            <translation>Herunterladen nach</translation>
        </message>
        <message>
            <source>Import them when downloaded, into corpus:</source>
            <translation>Nach dem Download importieren, in Korpus:</translation>
        </message>
        <message>
            <source>empty: sec.gov</source>
            <translation>leer: sec.gov</translation>
        </message>
        <message>
            <source>A mirror or proxy that serves both EDGAR hosts (data.sec.gov and www.sec.gov) under one address; leave empty to download from SEC.</source>
            <translation>Ein Spiegel oder Proxy, der beide EDGAR-Hosts (data.sec.gov und www.sec.gov) unter einer Adresse bereitstellt; leer lassen, um von der SEC zu laden.</translation>
        </message>
        <message>
            <source>&amp;Download</source>
            <translation>&amp;Herunterladen</translation>
        </message>
        <message>
            <source>&amp;Contact (User-Agent):</source>
            <translation>&amp;Kontakt (User-Agent):</translation>
        </message>
        <message>
            <source>C&amp;ompanies:</source>
            <translation>&amp;Unternehmen:</translation>
        </message>
        <message>
            <source>&amp;Forms:</source>
            <translation>&amp;Formulare:</translation>
        </message>
        <message>
            <source>Filed &amp;from:</source>
            <translation>Eingereicht &amp;ab:</translation>
        </message>
        <message>
            <source>Filed &amp;to:</source>
            <translation>Eingereicht &amp;bis:</translation>
        </message>
        <message>
            <source>&amp;Newest per company:</source>
            <translation>&amp;Neueste je Unternehmen:</translation>
        </message>
        <message>
            <source>Fo&amp;lder:</source>
            <translation>&amp;Ordner:</translation>
        </message>
        <message>
            <source>&amp;Mirror:</source>
            <translation>&amp;Spiegel:</translation>
        </message>
        <message>
            <source>Choose at least one form, or name one under Forms.</source>
            <translation>Wählen Sie mindestens ein Formular oder nennen Sie eines unter Formulare.</translation>
        </message>
        <message>
            <source>Name the corpus to import into, or untick the import.</source>
            <translation>Nennen Sie den Korpus für den Import oder wählen Sie den Import ab.</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::ImportDialog</name>
        <message>
            <source>Import corpus</source>
            <translation>Korpus importieren</translation>
        </message>
        <message>
            <source>Add &amp;files...</source>
            <translation>&amp;Dateien hinzufügen...</translation>
        </message>
        <message>
            <source>Add f&amp;older...</source>
            <translation>&amp;Ordner hinzufügen...</translation>
        </message>
        <message>
            <source>&amp;Remove</source>
            <translation>&amp;Entfernen</translation>
        </message>
        <message>
            <source>a new name, or an existing corpus to add to</source>
            <translation>ein neuer Name oder ein bestehender Korpus, der ergänzt wird</translation>
        </message>
        <message>
            <source>The corpus the files go into: created when new; importing into an existing one adds what it does not hold yet (a filing already there is recognised by its content and skipped).</source>
            <translation>Der Korpus, in den die Dateien gehen: neu angelegt, wenn es ihn nicht gibt; ein bestehender erhält nur, was ihm noch fehlt (eine vorhandene Einreichung wird an ihrem Inhalt erkannt und übersprungen).</translation>
        </message>
        <message>
            <source>How the files are read. Automatic looks at each file's name and first bytes.</source>
            <translation>Wie die Dateien gelesen werden. Automatisch prüft Namen und erste Bytes jeder Datei.</translation>
        </message>
        <message>
            <source>Token budget of one passage (estimated tokens); longer sections are cut at sentence ends. Default %1.</source>
            <translation>Token-Budget einer Passage (geschätzte Tokens); längere Abschnitte werden an Satzenden geteilt. Standard %1.</translation>
        </message>
        <message>
            <source>Tokens of a passage repeated at the start of the next one of the same section, so a sentence cut at the edge is whole in one of them. Default %1.</source>
            <translation>Tokens einer Passage, die am Anfang der nächsten desselben Abschnitts wiederholt werden, damit ein am Rand geteilter Satz in einer von beiden ganz steht. Standard %1.</translation>
        </message>
        <message>
            <source>Cut BEIR records into passages too</source>
            <translation>Auch BEIR-Datensätze in Passagen teilen</translation>
        </message>
        <message>
            <source>BEIR records stay one passage each by default, since their qrels name whole records.</source>
            <translation>BEIR-Datensätze bleiben standardmäßig je eine Passage, da ihre Qrels ganze Datensätze nennen.</translation>
        </message>
        <message>
            <source>Index each passage with its document's title</source>
            <translation>Jede Passage mit dem Titel ihres Dokuments indexieren</translation>
        </message>
        <message>
            <source>BM25 and the student read the title line before the passage (a new corpus only).</source>
            <translation>BM25 und der Schüler lesen die Titelzeile vor der Passage (nur bei einem neuen Korpus).</translation>
        </message>
        <message>
            <source>JSONL fields (dotted paths reach into objects)</source>
            <translation>JSONL-Felder (Pfade mit Punkten greifen in Objekte)</translation>
        </message>
        <message>
            <source>Record id:</source>
            <translation>Datensatz-ID:</translation>
        </message>
        <message>
            <source>Text:</source>
            <translation>Text:</translation>
        </message>
        <message>
            <source>Title:</source>
            <translation>Titel:</translation>
        </message>
        <message>
            <source>Filing type:</source>
            <translation>Einreichungsart:</translation>
        </message>
        <message>
            <source>Company:</source>
            <translation>Unternehmen:</translation>
        </message>
        <message>
            <source>Period:</source>
            <translation>Zeitraum:</translation>
        </message>
        <message>
            <source>&amp;Import</source>
            <translation>&amp;Importieren</translation>
        </message>
        <message>
            <source>&amp;Corpus:</source>
            <translation>&amp;Korpus:</translation>
        </message>
        <message>
            <source>F&amp;ormat:</source>
            <translation>F&amp;ormat:</translation>
        </message>
        <message>
            <source>Passage &amp;size (tokens):</source>
            <translation>Passagen&amp;größe (Tokens):</translation>
        </message>
        <message>
            <source>O&amp;verlap (tokens):</source>
            <translation>Ü&amp;berlappung (Tokens):</translation>
        </message>
        <message>
            <source>Files and folders (a folder is read with everything under it):</source>
            <translation>Dateien und Ordner (ein Ordner wird mit allem darunter gelesen):</translation>
        </message>
        <message>
            <source>Add the files or folders to import.</source>
            <translation>Fügen Sie die zu importierenden Dateien oder Ordner hinzu.</translation>
        </message>
        <message>
            <source>%1 does not exist.</source>
            <translation>%1 existiert nicht.</translation>
        </message>
        <message>
            <source>Name the corpus.</source>
            <translation>Geben Sie dem Korpus einen Namen.</translation>
        </message>
        <message>
            <source>Overlap (tokens) must be smaller than Passage size (tokens).</source>
            <translation>Überlappung (Tokens) muss kleiner sein als Passagengröße (Tokens).</translation>
        </message>
        <message>
            <source>JSONL fields: Text must name the field that holds the text.</source>
            <translation>JSONL-Felder: Text muss das Feld nennen, das den Text enthält.</translation>
        </message>
        <message>
            <source>Add corpus files</source>
            <translation>Korpusdateien hinzufügen</translation>
        </message>
        <message>
            <source>Corpus files (*.json *.jsonl *.txt *.htm *.html);;All files (*)</source>
            <translation>Korpusdateien (*.json *.jsonl *.txt *.htm *.html);;Alle Dateien (*)</translation>
        </message>
        <message>
            <source>Add a corpus folder</source>
            <translation>Einen Korpusordner hinzufügen</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::JobManager</name>
        <message>
            <source>%1 s</source>
            <translation>%1 s</translation>
        </message>
        <message>
            <source>%1 min %2 s</source>
            <translation>%1 min %2 s</translation>
        </message>
        <message>
            <source>%1 h %2 min</source>
            <translation>%1 h %2 min</translation>
        </message>
        <message>
            <source>%1 (%2)</source>
            <translation>%1 (%2)</translation>
        </message>
        <message>
            <source>Job</source>
            <translation>Auftrag</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>Progress</source>
            <translation>Fortschritt</translation>
        </message>
        <message>
            <source>ETA</source>
            <translation>Restzeit</translation>
        </message>
        <message>
            <source>Elapsed</source>
            <translation>Vergangen</translation>
        </message>
        <message>
            <source>%1 (%2, step %3 of %4)</source>
            <translation>%1 (%2, Schritt %3 von %4)</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::JobRunner</name>
        <message>
            <source>queued</source>
            <translation>wartend</translation>
        </message>
        <message>
            <source>running</source>
            <translation>läuft</translation>
        </message>
        <message>
            <source>paused</source>
            <translation>pausiert</translation>
        </message>
        <message>
            <source>completed</source>
            <translation>abgeschlossen</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>fehlgeschlagen</translation>
        </message>
        <message>
            <source>cancelled</source>
            <translation>abgebrochen</translation>
        </message>
        <message>
            <source>%1 started %2</source>
            <translation>%1 gestartet %2</translation>
        </message>
        <message>
            <source>failed: %1</source>
            <translation>fehlgeschlagen: %1</translation>
        </message>
        <message>
            <source>%1 after %2 s</source>
            <translation>%1 nach %2 s</translation>
        </message>
        <message>
            <source>unknown error</source>
            <translation>unbekannter Fehler</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::JobsPanel</name>
        <message>
            <source>Import corpus...</source>
            <translation>Korpus importieren …</translation>
        </message>
        <message>
            <source>Import demo corpus</source>
            <translation>Demo-Korpus importieren</translation>
        </message>
        <message>
            <source>New run...</source>
            <translation>Neuer Lauf …</translation>
        </message>
        <message>
            <source>Pause</source>
            <translation>Pause</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Abbrechen</translation>
        </message>
        <message>
            <source>The selected job's log appears here.</source>
            <translation>Hier erscheint das Protokoll des gewählten Auftrags.</translation>
        </message>
        <message>
            <source>training step</source>
            <translation>Trainingsschritt</translation>
        </message>
        <message>
            <source>loss</source>
            <translation>Verlust</translation>
        </message>
        <message>
            <source>Resume</source>
            <translation>Fortsetzen</translation>
        </message>
        <message>
            <source>training step (run %1, round %2)</source>
            <translation>Trainingsschritt (Lauf %1, Runde %2)</translation>
        </message>
        <message>
            <source>Next step</source>
            <translation>Nächster Schritt</translation>
        </message>
        <message>
            <source>Run only the selected run's next step, then pause it to inspect the results</source>
            <translation>Nur den nächsten Schritt des gewählten Laufs ausführen und ihn dann anhalten, um die Ergebnisse zu prüfen</translation>
        </message>
        <message>
            <source>Resume run</source>
            <translation>Lauf fortsetzen</translation>
        </message>
        <message>
            <source>Run every step the selected run has left</source>
            <translation>Alle verbleibenden Schritte des gewählten Laufs ausführen</translation>
        </message>
        <message>
            <source>Runs</source>
            <translation>Läufe</translation>
        </message>
        <message>
            <source>Evaluate BM25...</source>
            <translation>BM25 auswerten...</translation>
        </message>
        <message>
            <source>Evaluate model...</source>
            <translation>Modell auswerten...</translation>
        </message>
        <message>
            <source>training step (round %1, live)</source>
            <translation>Trainingsschritt (Runde %1, live)</translation>
        </message>
        <message>
            <source>Show config...</source>
            <translation>Konfiguration zeigen...</translation>
        </message>
        <message>
            <source>Write report...</source>
            <translation>Bericht schreiben...</translation>
        </message>
        <message>
            <source>Rename...</source>
            <translation>Umbenennen...</translation>
        </message>
        <message>
            <source>Duplicate</source>
            <translation>Duplizieren</translation>
        </message>
        <message>
            <source>Delete...</source>
            <translation>Löschen...</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::MainWindow</name>
        <message>
            <source>Ready</source>
            <translation>Bereit</translation>
        </message>
        <message>
            <source>Overview</source>
            <translation>Übersicht</translation>
        </message>
        <message>
            <source>Corpus</source>
            <translation>Korpus</translation>
        </message>
        <message>
            <source>Pair inspector</source>
            <translation>Paar-Inspektor</translation>
        </message>
        <message>
            <source>Metrics</source>
            <translation>Metriken</translation>
        </message>
        <message>
            <source>Agreement</source>
            <translation>Übereinstimmung</translation>
        </message>
        <message>
            <source>Jobs</source>
            <translation>Aufträge</translation>
        </message>
        <message>
            <source>Error</source>
            <translation>Fehler</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>&amp;Datei</translation>
        </message>
        <message>
            <source>&amp;New experiment...</source>
            <translation>&amp;Neues Experiment …</translation>
        </message>
        <message>
            <source>&amp;Open experiment...</source>
            <translation>Experiment ö&amp;ffnen …</translation>
        </message>
        <message>
            <source>Open &amp;recent</source>
            <translation>&amp;Zuletzt geöffnet</translation>
        </message>
        <message>
            <source>&amp;Import corpus...</source>
            <translation>Korpus &amp;importieren …</translation>
        </message>
        <message>
            <source>Import &amp;demo corpus</source>
            <translation>&amp;Demo-Korpus importieren</translation>
        </message>
        <message>
            <source>&amp;Export labels as JSONL...</source>
            <translation>Bewertungen als JSONL &amp;exportieren …</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>&amp;Beenden</translation>
        </message>
        <message>
            <source>&amp;Run</source>
            <translation>&amp;Lauf</translation>
        </message>
        <message>
            <source>&amp;New run...</source>
            <translation>&amp;Neuer Lauf …</translation>
        </message>
        <message>
            <source>&amp;Cancel all jobs</source>
            <translation>Alle Aufträge &amp;abbrechen</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>&amp;Ansicht</translation>
        </message>
        <message>
            <source>&amp;Refresh</source>
            <translation>A&amp;ktualisieren</translation>
        </message>
        <message>
            <source>Reset &amp;layout</source>
            <translation>&amp;Layout zurücksetzen</translation>
        </message>
        <message>
            <source>&amp;Settings</source>
            <translation>&amp;Einstellungen</translation>
        </message>
        <message>
            <source>&amp;Preferences...</source>
            <translation>&amp;Einstellungen …</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>&amp;Hilfe</translation>
        </message>
        <message>
            <source>&amp;About Distillery</source>
            <translation>Ü&amp;ber Distillery</translation>
        </message>
        <message>
            <source>Jobs are running</source>
            <translation>Aufträge laufen</translation>
        </message>
        <message>
            <source>%1 jobs are still running in %2. Wait for them or cancel them before opening another experiment.</source>
            <translation>In %2 laufen noch %1 Aufträge. Warten Sie darauf oder brechen Sie sie ab, bevor Sie ein anderes Experiment öffnen.</translation>
        </message>
        <message>
            <source>Cannot create experiment</source>
            <translation>Experiment kann nicht angelegt werden</translation>
        </message>
        <message>
            <source>Cannot open experiment</source>
            <translation>Experiment kann nicht geöffnet werden</translation>
        </message>
        <message>
            <source>Opened %1</source>
            <translation>%1 geöffnet</translation>
        </message>
        <message>
            <source>Cannot read experiment</source>
            <translation>Experiment kann nicht gelesen werden</translation>
        </message>
        <message>
            <source>New experiment</source>
            <translation>Neues Experiment</translation>
        </message>
        <message>
            <source>Open experiment</source>
            <translation>Experiment öffnen</translation>
        </message>
        <message>
            <source>No experiment open</source>
            <translation>Kein Experiment geöffnet</translation>
        </message>
        <message>
            <source>Open or create an experiment before importing a corpus.</source>
            <translation>Öffnen oder erstellen Sie ein Experiment, bevor Sie ein Korpus importieren.</translation>
        </message>
        <message>
            <source>Import into %1</source>
            <translation>Import in %1</translation>
        </message>
        <message>
            <source>Import demo corpus</source>
            <translation>Demo-Korpus importieren</translation>
        </message>
        <message>
            <source>Open or create an experiment before starting a run.</source>
            <translation>Öffnen oder erstellen Sie ein Experiment, bevor Sie einen Lauf starten.</translation>
        </message>
        <message>
            <source>About Distillery</source>
            <translation>Über Distillery</translation>
        </message>
        <message>
            <source>&lt;h3&gt;Distillery %1&lt;/h3&gt;&lt;p&gt;Adapts a retrieval embedding model to financial filings by distilling an LLM's relevance judgments into a compact bi-encoder.&lt;/p&gt;</source>
            <translation>&lt;h3&gt;Distillery %1&lt;/h3&gt;&lt;p&gt;Passt ein Retrieval-Embedding-Modell an Finanzberichte an, indem es die Relevanzurteile eines LLM in einen kompakten Bi-Encoder destilliert.&lt;/p&gt;</translation>
        </message>
        <message>
            <source>Job failed</source>
            <translation>Auftrag fehlgeschlagen</translation>
        </message>
        <message>
            <source>%1 failed: %2</source>
            <translation>%1 fehlgeschlagen: %2</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1: %2</translation>
        </message>
        <message>
            <source>%1 (paused)</source>
            <translation>%1 (pausiert)</translation>
        </message>
        <message>
            <source>No jobs running</source>
            <translation>Keine Aufträge aktiv</translation>
        </message>
        <message numerus="yes">
            <source>%n job(s) running: %1</source>
            <translation>
                <numerusform>%n Auftrag läuft: %1</numerusform>
                <numerusform>%n Aufträge laufen: %1</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n job(s) still running. Cancel them and quit? Work already stored stays.</source>
            <translation>
                <numerusform>%n Auftrag läuft noch. Abbrechen und beenden? Bereits Gespeichertes bleibt erhalten.</numerusform>
                <numerusform>%n Aufträge laufen noch. Abbrechen und beenden? Bereits Gespeichertes bleibt erhalten.</numerusform>
            </translation>
        </message>
        <message>
            <source>Stopping jobs...</source>
            <translation>Aufträge werden angehalten …</translation>
        </message>
        <message>
            <source>Jobs did not stop</source>
            <translation>Aufträge haben nicht angehalten</translation>
        </message>
        <message>
            <source>Some jobs did not stop in time; try closing again.</source>
            <translation>Einige Aufträge haben nicht rechtzeitig angehalten; versuchen Sie erneut zu schließen.</translation>
        </message>
        <message>
            <source>%1 - Distillery</source>
            <translation>%1 – Distillery</translation>
        </message>
        <message>
            <source>Distillery</source>
            <translation>Distillery</translation>
        </message>
        <message>
            <source>Evaluate &amp;BM25 baseline...</source>
            <translation>&amp;BM25-Vergleichsbasis evaluieren …</translation>
        </message>
        <message>
            <source>Nothing to evaluate</source>
            <translation>Nichts zu evaluieren</translation>
        </message>
        <message>
            <source>Evaluate BM25 on %1</source>
            <translation>BM25 auf %1 evaluieren</translation>
        </message>
        <message>
            <source>Open or create an experiment first.</source>
            <translation>Öffnen oder erstellen Sie zuerst ein Experiment.</translation>
        </message>
        <message>
            <source>The experiment has no corpus yet: import one first.</source>
            <translation>Das Experiment hat noch kein Korpus: Importieren Sie zuerst eines.</translation>
        </message>
        <message>
            <source>Evaluate BM25</source>
            <translation>BM25 evaluieren</translation>
        </message>
        <message>
            <source>Corpus:</source>
            <translation>Korpus:</translation>
        </message>
        <message>
            <source>Run next &amp;step of the selected run</source>
            <translation>Nächsten &amp;Schritt des gewählten Laufs ausführen</translation>
        </message>
        <message>
            <source>Re&amp;sume the selected run</source>
            <translation>Gewählten Lauf &amp;fortsetzen</translation>
        </message>
        <message>
            <source>Evaluate a stored &amp;model...</source>
            <translation>Gespeichertes &amp;Modell auswerten...</translation>
        </message>
        <message>
            <source>Evaluate model %1 on %2</source>
            <translation>Modell %1 auf %2 auswerten</translation>
        </message>
        <message>
            <source>Evaluate a stored model</source>
            <translation>Gespeichertes Modell auswerten</translation>
        </message>
        <message>
            <source>model %1: %2 (%3)</source>
            <translation>Modell %1: %2 (%3)</translation>
        </message>
        <message>
            <source>No stored model</source>
            <translation>Kein gespeichertes Modell</translation>
        </message>
        <message>
            <source>The experiment has no student model yet: a run stores one per round.</source>
            <translation>Das Experiment hat noch kein Schülermodell: Ein Lauf speichert eines pro Runde.</translation>
        </message>
        <message>
            <source>Model:</source>
            <translation>Modell:</translation>
        </message>
        <message>
            <source>Cannot create the run</source>
            <translation>Der Lauf kann nicht angelegt werden</translation>
        </message>
        <message>
            <source>Run is busy</source>
            <translation>Lauf ist beschäftigt</translation>
        </message>
        <message>
            <source>Run %1 is already being executed by a job.</source>
            <translation>Lauf %1 wird bereits von einem Auftrag ausgeführt.</translation>
        </message>
        <message>
            <source>Cannot start the run</source>
            <translation>Der Lauf kann nicht gestartet werden</translation>
        </message>
        <message>
            <source>Run %1 %2: next step</source>
            <translation>Lauf %1 %2: nächster Schritt</translation>
        </message>
        <message>
            <source>Run %1 %2: %3 steps</source>
            <translation>Lauf %1 %2: %3 Schritte</translation>
        </message>
        <message>
            <source>Run %1 %2</source>
            <translation>Lauf %1 %2</translation>
        </message>
        <message>
            <source>Reading the teacher's API key from the keychain...</source>
            <translation>Der API-Schlüssel des Lehrers wird aus dem Schlüsselbund gelesen...</translation>
        </message>
        <message>
            <source>No API key</source>
            <translation>Kein API-Schlüssel</translation>
        </message>
        <message>
            <source>no key stored</source>
            <translation>kein Schlüssel gespeichert</translation>
        </message>
        <message>
            <source>No run selected</source>
            <translation>Kein Lauf ausgewählt</translation>
        </message>
        <message>
            <source>Select a run in the Jobs panel's run list first.</source>
            <translation>Wählen Sie zuerst einen Lauf in der Laufliste des Auftragsbereichs.</translation>
        </message>
        <message>
            <source>Query playground</source>
            <translation>Anfrage-Spielwiese</translation>
        </message>
        <message>
            <source>Query comparison</source>
            <translation>Anfragevergleich</translation>
        </message>
        <message>
            <source>The run's teacher</source>
            <translation>Der Lehrer des Laufs</translation>
        </message>
        <message>
            <source>%1 needs an API key, but the OS keychain gave none (%2). Enter it in Settings &gt; Preferences, or name an environment variable there.</source>
            <translation>%1 braucht einen API-Schlüssel, aber der Schlüsselbund des Systems lieferte keinen (%2). Geben Sie ihn unter Einstellungen &gt; Voreinstellungen ein oder nennen Sie dort eine Umgebungsvariable.</translation>
        </message>
        <message>
            <source>The teacher</source>
            <translation>Der Lehrer</translation>
        </message>
        <message numerus="yes">
            <source>Judge %n passage(s) for "%1"</source>
            <translation>
                <numerusform>%n Passage für „%1“ bewerten</numerusform>
                <numerusform>%n Passagen für „%1“ bewerten</numerusform>
            </translation>
        </message>
        <message>
            <source>%1 (%2)</source>
            <translation>%1 (%2)</translation>
        </message>
        <message>
            <source>Corpus %1 has no queries with relevance judgments yet. Import a query set with qrels (BEIR), save your labels as a gold set (distillery-cli labels gold), or start a run: its held-out queries are judged by the teacher and scored.</source>
            <translation>Korpus %1 hat noch keine Anfragen mit Relevanzurteilen. Importieren Sie eine Anfragemenge mit Qrels (BEIR), speichern Sie Ihre Labels als Goldmenge (distillery-cli labels gold) oder starten Sie einen Lauf: seine zurückgehaltenen Anfragen bewertet der Lehrer, und sie werden ausgewertet.</translation>
        </message>
        <message numerus="yes">
            <source>%1: %2 split (%n queries)</source>
            <translation>
                <numerusform>%1: Teilmenge %2 (%n Anfrage)</numerusform>
                <numerusform>%1: Teilmenge %2 (%n Anfragen)</numerusform>
            </translation>
        </message>
        <message>
            <source>%1: every split (dev and test together)</source>
            <translation>%1: alle Teilmengen (dev und test zusammen)</translation>
        </message>
        <message>
            <source>Queries to score:</source>
            <translation>Auszuwertende Anfragen:</translation>
        </message>
        <message>
            <source>Rename run %1</source>
            <translation>Lauf %1 umbenennen</translation>
        </message>
        <message>
            <source>Name:</source>
            <translation>Name:</translation>
        </message>
        <message>
            <source>Cannot rename the run</source>
            <translation>Der Lauf kann nicht umbenannt werden</translation>
        </message>
        <message>
            <source>Run %1 is a copy of run %2, not started yet</source>
            <translation>Lauf %1 ist eine Kopie von Lauf %2, noch nicht gestartet</translation>
        </message>
        <message>
            <source>Cannot duplicate the run</source>
            <translation>Der Lauf kann nicht dupliziert werden</translation>
        </message>
        <message>
            <source>Run %1 is being executed by a job: cancel it first.</source>
            <translation>Lauf %1 wird gerade von einem Auftrag ausgeführt: brechen Sie ihn zuerst ab.</translation>
        </message>
        <message>
            <source>Delete run %1 %2 with its %3 rounds, %4 mined pairs and %5 evaluations? This cannot be undone.

Kept: the queries it wrote and your labels on them, the teacher's judgments (a later run reads them instead of paying again) and the models it trained.</source>
            <translation>Lauf %1 %2 mit seinen %3 Runden, %4 gewonnenen Paaren und %5 Auswertungen löschen? Das lässt sich nicht rückgängig machen.

Behalten werden: die Anfragen, die er geschrieben hat, und Ihre Labels darauf, die Urteile des Lehrers (ein späterer Lauf liest sie, statt erneut zu bezahlen) und die Modelle, die er trainiert hat.</translation>
        </message>
        <message>
            <source>Delete run</source>
            <translation>Lauf löschen</translation>
        </message>
        <message>
            <source>Cannot delete the run</source>
            <translation>Der Lauf kann nicht gelöscht werden</translation>
        </message>
        <message>
            <source>Run %1 deleted</source>
            <translation>Lauf %1 gelöscht</translation>
        </message>
        <message>
            <source>No such run</source>
            <translation>Kein solcher Lauf</translation>
        </message>
        <message>
            <source>Run %1 is not in this experiment.</source>
            <translation>Lauf %1 gehört nicht zu diesem Experiment.</translation>
        </message>
        <message>
            <source>Config of run %1</source>
            <translation>Konfiguration von Lauf %1</translation>
        </message>
        <message>
            <source>Save run config</source>
            <translation>Laufkonfiguration speichern</translation>
        </message>
        <message>
            <source>JSON (*.json)</source>
            <translation>JSON (*.json)</translation>
        </message>
        <message>
            <source>Cannot save the config</source>
            <translation>Die Konfiguration kann nicht gespeichert werden</translation>
        </message>
        <message>
            <source>As stored (secrets removed); `distillery-cli run --config` accepts this file.</source>
            <translation>Wie gespeichert (ohne Geheimnisse); `distillery-cli run --config` akzeptiert diese Datei.</translation>
        </message>
        <message>
            <source>Write the report of run %1 into</source>
            <translation>Den Bericht von Lauf %1 schreiben nach</translation>
        </message>
        <message>
            <source>Cannot write the report</source>
            <translation>Der Bericht kann nicht geschrieben werden</translation>
        </message>
        <message>
            <source>Report of run %1 written to %2</source>
            <translation>Bericht von Lauf %1 geschrieben nach %2</translation>
        </message>
        <message>
            <source>The last experiment, %1, is no longer there.</source>
            <translation>Das zuletzt geöffnete Experiment, %1, ist nicht mehr da.</translation>
        </message>
        <message>
            <source>De&amp;lete corpus...</source>
            <translation>Korpus &amp;löschen...</translation>
        </message>
        <message>
            <source>Delete corpus</source>
            <translation>Korpus löschen</translation>
        </message>
        <message>
            <source>Wait for the running jobs or cancel them before deleting a corpus.</source>
            <translation>Warten Sie auf die laufenden Aufträge oder brechen Sie sie ab, bevor Sie ein Korpus löschen.</translation>
        </message>
        <message>
            <source>Delete corpus %1 with its %2 documents and %3 passages, %4 query sets with %5 queries, your %6 labels on them, and its %7 runs with their rounds and evaluations? This cannot be undone.

Kept: the teacher's judgments (a re-import of the same text finds them) and the stored models.</source>
            <translation>Korpus %1 mit seinen %2 Dokumenten und %3 Passagen, %4 Anfragemengen mit %5 Anfragen, Ihren %6 Labels darauf und seinen %7 Läufen mit ihren Runden und Auswertungen löschen? Das lässt sich nicht rückgängig machen.

Behalten werden: die Urteile des Lehrers (ein erneuter Import desselben Texts findet sie) und die gespeicherten Modelle.</translation>
        </message>
        <message>
            <source>Cannot delete the corpus</source>
            <translation>Das Korpus kann nicht gelöscht werden</translation>
        </message>
        <message>
            <source>Corpus %1 deleted</source>
            <translation>Korpus %1 gelöscht</translation>
        </message>
        <message>
            <source>&amp;Keyboard shortcuts</source>
            <translation>&amp;Tastenkürzel</translation>
        </message>
        <message>
            <source>0, 1, 2, 3</source>
            <translation>0, 1, 2, 3</translation>
        </message>
        <message>
            <source>Pair inspector and query playground: grade the selected pair or hit (0 irrelevant, 1 related, 2 partially answers, 3 fully answers)</source>
            <translation>Paarinspektor und Anfrage-Spielwiese: das gewählte Paar oder den gewählten Treffer bewerten (0 irrelevant, 1 verwandt, 2 beantwortet teilweise, 3 beantwortet vollständig)</translation>
        </message>
        <message>
            <source>N / P</source>
            <translation>N / P</translation>
        </message>
        <message>
            <source>Pair inspector: next / previous pair without grading</source>
            <translation>Paarinspektor: nächstes / vorheriges Paar ohne Bewertung</translation>
        </message>
        <message>
            <source>Enter</source>
            <translation>Eingabe</translation>
        </message>
        <message>
            <source>Query playground: search; corpus browser: filter</source>
            <translation>Anfrage-Spielwiese: suchen; Korpus-Browser: filtern</translation>
        </message>
        <message>
            <source>Double-click</source>
            <translation>Doppelklick</translation>
        </message>
        <message>
            <source>Playground hit or comparison row: open the passage or the query</source>
            <translation>Treffer der Spielwiese oder Zeile des Vergleichs: die Passage oder die Anfrage öffnen</translation>
        </message>
        <message>
            <source>Keyboard shortcuts</source>
            <translation>Tastenkürzel</translation>
        </message>
        <message>
            <source>Download from &amp;EDGAR...</source>
            <translation>Von &amp;EDGAR herunterladen...</translation>
        </message>
        <message>
            <source>&amp;User guide...</source>
            <translation>&amp;Benutzerhandbuch...</translation>
        </message>
        <message>
            <source>Download from EDGAR</source>
            <translation>Von EDGAR herunterladen</translation>
        </message>
        <message>
            <source>Write the selected run's &amp;report...</source>
            <translation>&amp;Bericht des gewählten Laufs schreiben...</translation>
        </message>
        <message>
            <source>not a corpus file</source>
            <translation>keine Korpusdatei</translation>
        </message>
        <message>
            <source>skipped %1: %2</source>
            <translation>%1 übersprungen: %2</translation>
        </message>
        <message>
            <source>nothing imported: %1: %2</source>
            <translation>nichts importiert: %1: %2</translation>
        </message>
        <message numerus="yes">
            <source> (and %Ln more skipped, listed in the log)</source>
            <translation>
                <numerusform> (und %Ln weitere übersprungen, im Protokoll aufgeführt)</numerusform>
                <numerusform> (und %Ln weitere übersprungen, im Protokoll aufgeführt)</numerusform>
            </translation>
        </message>
        <message>
            <source>failed %1: %2</source>
            <translation>%1 fehlgeschlagen: %2</translation>
        </message>
        <message>
            <source>downloaded %1 filings to %2 (%3 already there, %4 failed)</source>
            <translation>%1 Einreichungen nach %2 heruntergeladen (%3 schon vorhanden, %4 fehlgeschlagen)</translation>
        </message>
        <message>
            <source>writing the demo corpus to %1</source>
            <translation>Demo-Korpus wird geschrieben nach %1</translation>
        </message>
        <message>
            <source>Distillery experiments (*.distillery *.db *.sqlite);;All files (*)</source>
            <translation>Distillery-Experimente (*.distillery *.db *.sqlite);;Alle Dateien (*)</translation>
        </message>
        <message>
            <source>Imported into '%1': %2 documents, %3 passages (%4); %5 unchanged, %6 skipped, %7 queries, %8 qrels%9</source>
            <translation>Importiert in „%1“: %2 Dokumente, %3 Passagen (%4); %5 unverändert, %6 übersprungen, %7 Anfragen, %8 Relevanzurteile%9</translation>
        </message>
        <message>
            <source> (cancelled)</source>
            <translation> (abgebrochen)</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::MetricsDashboard</name>
        <message>
            <source>MRR</source>
            <translation>MRR</translation>
        </message>
        <message>
            <source>DCG</source>
            <translation>DCG</translation>
        </message>
        <message>
            <source>NDCG</source>
            <translation>NDCG</translation>
        </message>
        <message>
            <source>Export chart...</source>
            <translation>Diagramm exportieren …</translation>
        </message>
        <message>
            <source>Copy table</source>
            <translation>Tabelle kopieren</translation>
        </message>
        <message>
            <source>R&amp;un:</source>
            <translation>La&amp;uf:</translation>
        </message>
        <message>
            <source>Ro&amp;und:</source>
            <translation>Ru&amp;nde:</translation>
        </message>
        <message>
            <source>&amp;Metric:</source>
            <translation>&amp;Metrik:</translation>
        </message>
        <message>
            <source>@k:</source>
            <translation>@k:</translation>
        </message>
        <message>
            <source>Compare &amp;with:</source>
            <translation>&amp;Vergleichen mit:</translation>
        </message>
        <message>
            <source>Run</source>
            <translation>Lauf</translation>
        </message>
        <message>
            <source>Round</source>
            <translation>Runde</translation>
        </message>
        <message>
            <source>Retriever</source>
            <translation>Retriever</translation>
        </message>
        <message>
            <source>Filing type</source>
            <translation>Berichtsart</translation>
        </message>
        <message>
            <source>Metric</source>
            <translation>Metrik</translation>
        </message>
        <message>
            <source>k</source>
            <translation>k</translation>
        </message>
        <message>
            <source>Value</source>
            <translation>Wert</translation>
        </message>
        <message>
            <source>Queries</source>
            <translation>Anfragen</translation>
        </message>
        <message>
            <source>no second run</source>
            <translation>kein zweiter Lauf</translation>
        </message>
        <message>
            <source>#%1 %2</source>
            <translation>#%1 %2</translation>
        </message>
        <message>
            <source>round %1</source>
            <translation>Runde %1</translation>
        </message>
        <message>
            <source>No metrics stored yet: run an evaluation or a pipeline run.</source>
            <translation>Noch keine Metriken gespeichert: Führen Sie eine Evaluation oder einen Pipeline-Lauf aus.</translation>
        </message>
        <message>
            <source>%1 stored metric values</source>
            <translation>%1 gespeicherte Metrikwerte</translation>
        </message>
        <message>
            <source>%1@%2</source>
            <translation>%1@%2</translation>
        </message>
        <message>
            <source>%1, all</source>
            <translation>%1, alle</translation>
        </message>
        <message>
            <source>Across rounds</source>
            <translation>Über die Runden</translation>
        </message>
        <message>
            <source>%1, %2: %3 = %4 over %5 queries</source>
            <translation>%1, %2: %3 = %4 über %5 Anfragen</translation>
        </message>
        <message>
            <source>Export chart</source>
            <translation>Diagramm exportieren</translation>
        </message>
        <message>
            <source>PNG image (*.png);;PDF document (*.pdf)</source>
            <translation>PNG-Bild (*.png);;PDF-Dokument (*.pdf)</translation>
        </message>
        <message>
            <source>Could not write the chart to %1</source>
            <translation>Das Diagramm konnte nicht nach %1 geschrieben werden</translation>
        </message>
        <message>
            <source>evaluations outside runs</source>
            <translation>Evaluationen außerhalb von Läufen</translation>
        </message>
        <message>
            <source>95% interval</source>
            <translation>95-%-Intervall</translation>
        </message>
        <message>
            <source>Judged by</source>
            <translation>Bewertet von</translation>
        </message>
        <message>
            <source>; 95% interval %1-%2</source>
            <translation>; 95-%-Intervall %1–%2</translation>
        </message>
        <message>
            <source>; vs round 0: %1%2, significant (p = %3)</source>
            <translation>; gegenüber Runde 0: %1%2, signifikant (p = %3)</translation>
        </message>
        <message>
            <source>; vs round 0: %1%2, not significant: could be noise (p = %3)</source>
            <translation>; gegenüber Runde 0: %1%2, nicht signifikant: kann Zufall sein (p = %3)</translation>
        </message>
        <message>
            <source>; judgments: %1</source>
            <translation>; Urteile: %1</translation>
        </message>
        <message>
            <source>evaluations outside runs: %1</source>
            <translation>Auswertungen außerhalb von Läufen: %1</translation>
        </message>
        <message>
            <source>%1, queries %2</source>
            <translation>%1, Anfragen %2</translation>
        </message>
        <message>
            <source>%1 (%2 split)</source>
            <translation>%1 (Teilmenge %2)</translation>
        </message>
        <message>
            <source>Metrics: %1</source>
            <translation>Metriken: %1</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::MinedExampleModel</name>
        <message>
            <source>Query</source>
            <translation>Anfrage</translation>
        </message>
        <message>
            <source>Passage</source>
            <translation>Passage</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>Art</translation>
        </message>
        <message>
            <source>Teacher</source>
            <translation>Lehrer</translation>
        </message>
        <message>
            <source>Human</source>
            <translation>Mensch</translation>
        </message>
        <message>
            <source>Rank before</source>
            <translation>Rang vorher</translation>
        </message>
        <message>
            <source>Score before</source>
            <translation>Wert vorher</translation>
        </message>
        <message>
            <source>Rank after</source>
            <translation>Rang nachher</translation>
        </message>
        <message>
            <source>Score after</source>
            <translation>Wert nachher</translation>
        </message>
        <message>
            <source>Filing type</source>
            <translation>Berichtsart</translation>
        </message>
    </context>
    <context>
        <name>MinedKind</name>
        <message>
            <source>hard positive</source>
            <translation>schweres Positiv</translation>
        </message>
        <message>
            <source>hard negative</source>
            <translation>schweres Negativ</translation>
        </message>
        <message>
            <source>easy positive</source>
            <translation>leichtes Positiv</translation>
        </message>
        <message>
            <source>easy negative</source>
            <translation>leichtes Negativ</translation>
        </message>
        <message>
            <source>likely false negative (excluded)</source>
            <translation>wahrscheinlich falsch negativ (ausgeschlossen)</translation>
        </message>
        <message>
            <source>ambiguous</source>
            <translation>uneindeutig</translation>
        </message>
        <message>
            <source>unjudged</source>
            <translation>unbewertet</translation>
        </message>
        <message>
            <source>easy, not sampled</source>
            <translation>leicht, nicht gezogen</translation>
        </message>
        <message>
            <source>query dropped</source>
            <translation>Anfrage verworfen</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::OverviewPage</name>
        <message>
            <source>Run %1</source>
            <translation>Lauf %1</translation>
        </message>
        <message>
            <source>Run %1 · %2</source>
            <translation>Lauf %1 · %2</translation>
        </message>
        <message>
            <source>No experiment open</source>
            <translation>Kein Experiment geöffnet</translation>
        </message>
        <message>
            <source>Use File &amp;gt; New experiment or File &amp;gt; Open experiment.</source>
            <translation>Verwenden Sie Datei &amp;gt; Neues Experiment oder Datei &amp;gt; Experiment öffnen.</translation>
        </message>
        <message>
            <source>%1, schema version %2</source>
            <translation>%1, Schemaversion %2</translation>
        </message>
        <message>
            <source>Cannot read the experiment</source>
            <translation>Das Experiment kann nicht gelesen werden</translation>
        </message>
        <message>
            <source>An empty experiment</source>
            <translation>Ein leeres Experiment</translation>
        </message>
        <message>
            <source>Nothing has been imported or run here yet. To begin:</source>
            <translation>Hier wurde noch nichts importiert oder ausgeführt. Zum Einstieg:</translation>
        </message>
        <message>
            <source>&lt;a href="action:import"&gt;Import a corpus&lt;/a&gt;: EDGAR filings, a BEIR folder or plain text files; or try the &lt;a href="action:demo"&gt;built-in demo corpus&lt;/a&gt;.</source>
            <translation>&lt;a href="action:import"&gt;Einen Korpus importieren&lt;/a&gt;: EDGAR-Einreichungen, einen BEIR-Ordner oder Textdateien; oder den &lt;a href="action:demo"&gt;eingebauten Demo-Korpus&lt;/a&gt; ausprobieren.</translation>
        </message>
        <message>
            <source>&lt;a href="action:run"&gt;Start a distillation run&lt;/a&gt;: the teacher judges what the student retrieves, and the student learns from its grades, round after round.</source>
            <translation>&lt;a href="action:run"&gt;Einen Destillationslauf starten&lt;/a&gt;: Der Lehrer bewertet, was der Schüler findet, und der Schüler lernt Runde um Runde aus diesen Noten.</translation>
        </message>
        <message>
            <source>Follow it in the Jobs panel. This page then shows each run's last round against the student it started from and against BM25, per filing type.</source>
            <translation>Verfolgen Sie ihn im Bereich Aufträge. Diese Seite zeigt dann die letzte Runde jedes Laufs gegenüber dem Ausgangsschüler und gegenüber BM25, je Einreichungsart.</translation>
        </message>
        <message>
            <source>Corpora</source>
            <translation>Korpora</translation>
        </message>
        <message>
            <source>No corpus yet: &lt;a href="action:import"&gt;import one&lt;/a&gt;.</source>
            <translation>Noch kein Korpus: &lt;a href="action:import"&gt;einen importieren&lt;/a&gt;.</translation>
        </message>
        <message>
            <source>Corpus / filing type</source>
            <translation>Korpus / Einreichungsart</translation>
        </message>
        <message>
            <source>Documents</source>
            <translation>Dokumente</translation>
        </message>
        <message>
            <source>Companies</source>
            <translation>Unternehmen</translation>
        </message>
        <message>
            <source>Passages</source>
            <translation>Passagen</translation>
        </message>
        <message>
            <source>Query sets</source>
            <translation>Anfragesätze</translation>
        </message>
        <message>
            <source>Queries</source>
            <translation>Anfragen</translation>
        </message>
        <message>
            <source>Round %1</source>
            <translation>Runde %1</translation>
        </message>
        <message>
            <source>Filing type</source>
            <translation>Einreichungsart</translation>
        </message>
        <message>
            <source>vs round %1</source>
            <translation>ggü. Runde %1</translation>
        </message>
        <message>
            <source>vs BM25</source>
            <translation>ggü. BM25</translation>
        </message>
        <message>
            <source>All</source>
            <translation>Alle</translation>
        </message>
        <message>
            <source>Changes are the last round's student minus round %1's and minus BM25, paired over the same held-out queries.</source>
            <translation>Änderungen sind der Schüler der letzten Runde minus den der Runde %1 bzw. minus BM25, gepaart über dieselben zurückgehaltenen Anfragen.</translation>
        </message>
        <message>
            <source>Only round %1 has been evaluated: the student the run starts from. Changes are against BM25, paired over the same held-out queries.</source>
            <translation>Nur Runde %1 wurde ausgewertet: der Schüler, mit dem der Lauf beginnt. Änderungen gelten gegenüber BM25, gepaart über dieselben zurückgehaltenen Anfragen.</translation>
        </message>
        <message>
            <source>* the paired test says the change is real (p &lt; %1).</source>
            <translation>* der gepaarte Test bestätigt die Änderung (p &lt; %1).</translation>
        </message>
        <message>
            <source>Judged by: %1.</source>
            <translation>Bewertet von: %1.</translation>
        </message>
        <message>
            <source>Runs</source>
            <translation>Läufe</translation>
        </message>
        <message>
            <source>No run yet: &lt;a href="action:run"&gt;start one&lt;/a&gt;.</source>
            <translation>Noch kein Lauf: &lt;a href="action:run"&gt;einen starten&lt;/a&gt;.</translation>
        </message>
        <message>
            <source>No run yet: import a corpus first.</source>
            <translation>Noch kein Lauf: zuerst einen Korpus importieren.</translation>
        </message>
        <message>
            <source>on %1</source>
            <translation>auf %1</translation>
        </message>
        <message>
            <source>rounds done: %1 of %2</source>
            <translation>Runden erledigt: %1 von %2</translation>
        </message>
        <message>
            <source>created %1</source>
            <translation>angelegt %1</translation>
        </message>
        <message>
            <source>finished %1</source>
            <translation>beendet %1</translation>
        </message>
        <message>
            <source>Not evaluated yet.</source>
            <translation>Noch nicht ausgewertet.</translation>
        </message>
        <message>
            <source>Labelling</source>
            <translation>Beschriftung</translation>
        </message>
        <message>
            <source>Spot-check labels given in all: %1.</source>
            <translation>Stichproben-Labels insgesamt: %1.</translation>
        </message>
        <message>
            <source>No run has mined pairs to label yet.</source>
            <translation>Noch kein Lauf hat gewonnene Paare zum Beschriften.</translation>
        </message>
        <message>
            <source>Run</source>
            <translation>Lauf</translation>
        </message>
        <message>
            <source>Mined pairs</source>
            <translation>Gewonnene Paare</translation>
        </message>
        <message>
            <source>Labelled</source>
            <translation>Beschriftet</translation>
        </message>
        <message>
            <source>Progress</source>
            <translation>Fortschritt</translation>
        </message>
        <message>
            <source>Label overruled the teacher</source>
            <translation>Label widerspricht dem Lehrer</translation>
        </message>
        <message>
            <source>Teacher usage</source>
            <translation>Lehrer-Nutzung</translation>
        </message>
        <message>
            <source>The teacher has not been asked anything yet.</source>
            <translation>Der Lehrer wurde noch nichts gefragt.</translation>
        </message>
        <message>
            <source>Work</source>
            <translation>Arbeit</translation>
        </message>
        <message>
            <source>Teacher</source>
            <translation>Lehrer</translation>
        </message>
        <message>
            <source>Items</source>
            <translation>Einträge</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>Fehlgeschlagen</translation>
        </message>
        <message>
            <source>Calls</source>
            <translation>Aufrufe</translation>
        </message>
        <message>
            <source>Input tokens</source>
            <translation>Eingabe-Tokens</translation>
        </message>
        <message>
            <source>Output tokens</source>
            <translation>Ausgabe-Tokens</translation>
        </message>
        <message>
            <source>Est. cost</source>
            <translation>Geschätzte Kosten</translation>
        </message>
        <message>
            <source>judgments</source>
            <translation>Bewertungen</translation>
        </message>
        <message>
            <source>queries written</source>
            <translation>geschriebene Anfragen</translation>
        </message>
        <message>
            <source>Total</source>
            <translation>Gesamt</translation>
        </message>
        <message>
            <source>Cost is estimated from the prices set in the teacher's settings at the time (0 when none were set). Cached judgments were paid for once.</source>
            <translation>Die Kosten sind aus den damals in den Lehrer-Einstellungen gesetzten Preisen geschätzt (0, wenn keine gesetzt waren). Zwischengespeicherte Bewertungen wurden einmal bezahlt.</translation>
        </message>
        <message>
            <source>Recent jobs</source>
            <translation>Letzte Aufträge</translation>
        </message>
        <message>
            <source>No job has run yet.</source>
            <translation>Noch kein Auftrag gelaufen.</translation>
        </message>
        <message>
            <source>Job</source>
            <translation>Auftrag</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>Art</translation>
        </message>
        <message>
            <source>For</source>
            <translation>Für</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>Started</source>
            <translation>Gestartet</translation>
        </message>
        <message>
            <source>Ended</source>
            <translation>Beendet</translation>
        </message>
        <message>
            <source>run %1</source>
            <translation>Lauf %1</translation>
        </message>
        <message>
            <source>pending</source>
            <translation>wartend</translation>
        </message>
        <message>
            <source>queued</source>
            <translation>eingereiht</translation>
        </message>
        <message>
            <source>running</source>
            <translation>läuft</translation>
        </message>
        <message>
            <source>paused</source>
            <translation>pausiert</translation>
        </message>
        <message>
            <source>completed</source>
            <translation>abgeschlossen</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>fehlgeschlagen</translation>
        </message>
        <message>
            <source>cancelled</source>
            <translation>abgebrochen</translation>
        </message>
        <message>
            <source>Corpora: %1 · runs: %2 · %3</source>
            <translation>Korpora: %1 · Läufe: %2 · %3</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::PairInspector</name>
        <message>
            <source>any kind</source>
            <translation>jede Art</translation>
        </message>
        <message>
            <source>any grade</source>
            <translation>jede Note</translation>
        </message>
        <message>
            <source>grade %1</source>
            <translation>Note %1</translation>
        </message>
        <message>
            <source>Human ≠ teacher</source>
            <translation>Mensch ≠ Lehrer</translation>
        </message>
        <message>
            <source>Unlabelled</source>
            <translation>Unbewertet</translation>
        </message>
        <message>
            <source>Run:</source>
            <translation>Lauf:</translation>
        </message>
        <message>
            <source>Round:</source>
            <translation>Runde:</translation>
        </message>
        <message>
            <source>Note on this pair (saved when you leave the field or grade)</source>
            <translation>Notiz zu diesem Paar (gespeichert beim Verlassen des Felds oder beim Bewerten)</translation>
        </message>
        <message>
            <source>Human grade:</source>
            <translation>Menschliche Note:</translation>
        </message>
        <message>
            <source>Grade %1 (key %1)</source>
            <translation>Note %1 (Taste %1)</translation>
        </message>
        <message>
            <source>◀ Previous (P)</source>
            <translation>◀ Vorheriges (P)</translation>
        </message>
        <message>
            <source>Next (N) ▶</source>
            <translation>Nächstes (N) ▶</translation>
        </message>
        <message>
            <source>any filing type</source>
            <translation>jede Berichtsart</translation>
        </message>
        <message>
            <source>#%1 %2 (%3)</source>
            <translation>#%1 %2 (%3)</translation>
        </message>
        <message>
            <source>round %1 (%2 pairs)</source>
            <translation>Runde %1 (%2 Paare)</translation>
        </message>
        <message>
            <source>&lt;h4&gt;Query %1&lt;/h4&gt;&lt;p&gt;%2&lt;/p&gt;&lt;p style="color:gray"&gt;%3, %4&lt;/p&gt;</source>
            <translation>&lt;h4&gt;Anfrage %1&lt;/h4&gt;&lt;p&gt;%2&lt;/p&gt;&lt;p style="color:gray"&gt;%3, %4&lt;/p&gt;</translation>
        </message>
        <message>
            <source>&lt;h4&gt;Passage %1&lt;/h4&gt;&lt;p style="color:gray"&gt;%2 · %3 · %4 · %5&lt;/p&gt;&lt;p&gt;%6&lt;/p&gt;</source>
            <translation>&lt;h4&gt;Passage %1&lt;/h4&gt;&lt;p style="color:gray"&gt;%2 · %3 · %4 · %5&lt;/p&gt;&lt;p&gt;%6&lt;/p&gt;</translation>
        </message>
        <message>
            <source>&lt;h4&gt;Teacher: grade %1&lt;/h4&gt;&lt;p style="color:gray"&gt;%2 %3, prompt %4, %5&lt;/p&gt;&lt;p&gt;&lt;b&gt;Rationale:&lt;/b&gt; %6&lt;/p&gt;&lt;p&gt;&lt;b&gt;Raw response:&lt;/b&gt;&lt;/p&gt;&lt;pre&gt;%7&lt;/pre&gt;</source>
            <translation>&lt;h4&gt;Lehrer: Note %1&lt;/h4&gt;&lt;p style="color:gray"&gt;%2 %3, Prompt %4, %5&lt;/p&gt;&lt;p&gt;&lt;b&gt;Begründung:&lt;/b&gt; %6&lt;/p&gt;&lt;p&gt;&lt;b&gt;Rohantwort:&lt;/b&gt;&lt;/p&gt;&lt;pre&gt;%7&lt;/pre&gt;</translation>
        </message>
        <message>
            <source>heuristic teacher</source>
            <translation>heuristischer Lehrer</translation>
        </message>
        <message>
            <source>&lt;p style="color:gray"&gt;No teacher judgment stored for this pair.&lt;/p&gt;</source>
            <translation>&lt;p style="color:gray"&gt;Für dieses Paar ist kein Lehrerurteil gespeichert.&lt;/p&gt;</translation>
        </message>
        <message>
            <source>labelled %1</source>
            <translation>bewertet %1</translation>
        </message>
        <message>
            <source>Open in playground</source>
            <translation>In der Spielwiese öffnen</translation>
        </message>
        <message>
            <source>See what the students before and after this round retrieve for the pair's query</source>
            <translation>Sehen, was die Schülermodelle vor und nach dieser Runde für die Anfrage des Paars finden</translation>
        </message>
        <message>
            <source>Note not stored yet: a note is kept with your grade, so grade this pair (0-3) to store it</source>
            <translation>Notiz noch nicht gespeichert: eine Notiz wird mit Ihrer Note gespeichert, bewerten Sie dieses Paar also (0-3)</translation>
        </message>
        <message>
            <source>&lt;p style="color:gray"&gt;No runs yet: a run's mined pairs appear here once it has mined (the fourth step of each round).&lt;/p&gt;</source>
            <translation>&lt;p style="color:gray"&gt;Noch keine Läufe: die gewonnenen Paare eines Laufs erscheinen hier, sobald er sie gewonnen hat (im vierten Schritt jeder Runde).&lt;/p&gt;</translation>
        </message>
        <message>
            <source>&lt;p style="color:gray"&gt;Run %1 has no mined pairs: it stopped before mining (the fourth step of each round). Choose another run, or resume this one.&lt;/p&gt;</source>
            <translation>&lt;p style="color:gray"&gt;Lauf %1 hat keine gewonnenen Paare: er endete vor dem Mining (dem vierten Schritt jeder Runde). Wählen Sie einen anderen Lauf oder setzen Sie diesen fort.&lt;/p&gt;</translation>
        </message>
        <message>
            <source>&lt;p style="color:gray"&gt;No pair of this round matches the filters.&lt;/p&gt;</source>
            <translation>&lt;p style="color:gray"&gt;Kein Paar dieser Runde passt zu den Filtern.&lt;/p&gt;</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::PassageTableModel</name>
        <message>
            <source>ID</source>
            <translation>ID</translation>
        </message>
        <message>
            <source>Filing type</source>
            <translation>Berichtsart</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Unternehmen</translation>
        </message>
        <message>
            <source>Period</source>
            <translation>Zeitraum</translation>
        </message>
        <message>
            <source>Section</source>
            <translation>Abschnitt</translation>
        </message>
        <message>
            <source>#</source>
            <translation>#</translation>
        </message>
        <message>
            <source>Text</source>
            <translation>Text</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::PassageView</name>
        <message>
            <source>Select a passage to see it in full.</source>
            <translation>Wählen Sie eine Passage, um sie vollständig zu sehen.</translation>
        </message>
        <message>
            <source>Passage %1 does not exist.</source>
            <translation>Passage %1 existiert nicht.</translation>
        </message>
        <message>
            <source>Document %1</source>
            <translation>Dokument %1</translation>
        </message>
        <message>
            <source>Passage %1, position %2, section "%3", %4 tokens, record key %5</source>
            <translation>Passage %1, Position %2, Abschnitt „%3“, %4 Tokens, Datensatzschlüssel %5</translation>
        </message>
        <message>
            <source>◀ previous</source>
            <translation>◀ vorherige</translation>
        </message>
        <message>
            <source>next ▶</source>
            <translation>nächste ▶</translation>
        </message>
        <message>
            <source>Queries</source>
            <translation>Anfragen</translation>
        </message>
        <message>
            <source>ID</source>
            <translation>ID</translation>
        </message>
        <message>
            <source>Query</source>
            <translation>Anfrage</translation>
        </message>
        <message>
            <source>Type</source>
            <translation>Typ</translation>
        </message>
        <message>
            <source>Relation</source>
            <translation>Beziehung</translation>
        </message>
        <message>
            <source>Split</source>
            <translation>Aufteilung</translation>
        </message>
        <message>
            <source>Judgments</source>
            <translation>Urteile</translation>
        </message>
        <message>
            <source>Grade</source>
            <translation>Note</translation>
        </message>
        <message>
            <source>Teacher</source>
            <translation>Lehrer</translation>
        </message>
        <message>
            <source>Prompt</source>
            <translation>Prompt</translation>
        </message>
        <message>
            <source>Rationale</source>
            <translation>Begründung</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>Mined pairs</source>
            <translation>Gewonnene Paare</translation>
        </message>
        <message>
            <source>Run</source>
            <translation>Lauf</translation>
        </message>
        <message>
            <source>Round</source>
            <translation>Runde</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>Art</translation>
        </message>
        <message>
            <source>Rank before</source>
            <translation>Rang vorher</translation>
        </message>
        <message>
            <source>Rank after</source>
            <translation>Rang nachher</translation>
        </message>
        <message>
            <source>Human labels</source>
            <translation>Menschliche Bewertungen</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>Notiz</translation>
        </message>
        <message>
            <source>Labelled</source>
            <translation>Bewertet</translation>
        </message>
    </context>
    <context>
        <name>QObject</name>
        <message>
            <source>unjudged</source>
            <translation>unbewertet</translation>
        </message>
        <message>
            <source>%1 (yours)</source>
            <translation>%1 (Ihre)</translation>
        </message>
        <message>
            <source>%1 (teacher)</source>
            <translation>%1 (Lehrer)</translation>
        </message>
        <message>
            <source>new</source>
            <translation>neu</translation>
        </message>
        <message>
            <source>%1: %2 of %3</source>
            <translation>%1: %2 von %3</translation>
        </message>
        <message>
            <source>%1 (qrels)</source>
            <translation>%1 (qrels)</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::QueryComparison</name>
        <message>
            <source>A:</source>
            <translation>A:</translation>
        </message>
        <message>
            <source>B:</source>
            <translation>B:</translation>
        </message>
        <message>
            <source>Improved</source>
            <translation>Verbessert</translation>
        </message>
        <message>
            <source>Unchanged</source>
            <translation>Unverändert</translation>
        </message>
        <message>
            <source>Degraded</source>
            <translation>Verschlechtert</translation>
        </message>
        <message>
            <source>Query</source>
            <translation>Anfrage</translation>
        </message>
        <message>
            <source>Text</source>
            <translation>Text</translation>
        </message>
        <message>
            <source>Filing type</source>
            <translation>Berichtsart</translation>
        </message>
        <message>
            <source>A</source>
            <translation>A</translation>
        </message>
        <message>
            <source>B</source>
            <translation>B</translation>
        </message>
        <message>
            <source>Change</source>
            <translation>Änderung</translation>
        </message>
        <message>
            <source>Double-click a query to open it in the query playground with A and B side by side</source>
            <translation>Doppelklick öffnet die Anfrage in der Anfrage-Spielwiese mit A und B nebeneinander</translation>
        </message>
        <message>
            <source>No stored evaluation with per-query results yet: run a distillation or an evaluation first.</source>
            <translation>Noch keine gespeicherte Auswertung mit Ergebnissen je Anfrage: Führen Sie zuerst eine Destillation oder Auswertung aus.</translation>
        </message>
        <message>
            <source>Open an experiment to compare its evaluations.</source>
            <translation>Öffnen Sie ein Experiment, um seine Auswertungen zu vergleichen.</translation>
        </message>
        <message>
            <source>B = A</source>
            <translation>B = A</translation>
        </message>
        <message>
            <source>NDCG@%1 under A</source>
            <translation>NDCG@%1 unter A</translation>
        </message>
        <message>
            <source>NDCG@%1 under B</source>
            <translation>NDCG@%1 unter B</translation>
        </message>
        <message>
            <source>%1 queries: B improved %2, left %3 alone and degraded %4 (points above the diagonal: B did better)</source>
            <translation>%1 Anfragen: B verbesserte %2, ließ %3 unverändert und verschlechterte %4 (Punkte über der Diagonale: B war besser)</translation>
        </message>
        <message>
            <source>Query %1 was scored from files: its text is not stored.</source>
            <translation>Anfrage %1 wurde aus Dateien bewertet: Ihr Text ist nicht gespeichert.</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::QueryPlayground</name>
        <message>
            <source>Search</source>
            <translation>Suchen</translation>
        </message>
        <message>
            <source>Type a query, e.g. What was Acme's revenue growth in fiscal 2023?</source>
            <translation>Anfrage eingeben, z. B. What was Acme's revenue growth in fiscal 2023?</translation>
        </message>
        <message>
            <source>filing_type=10-K, company=...</source>
            <translation>filing_type=10-K, company=...</translation>
        </message>
        <message>
            <source>Restrict the passages searched, as distillery-cli eval --filter: filing_type=, company=, document= (comma-separated)</source>
            <translation>Durchsuchte Passagen einschränken, wie distillery-cli eval --filter: filing_type=, company=, document= (durch Kommas getrennt)</translation>
        </message>
        <message>
            <source>Corpus:</source>
            <translation>Korpus:</translation>
        </message>
        <message>
            <source>Or pick a stored query:</source>
            <translation>Oder eine gespeicherte Anfrage wählen:</translation>
        </message>
        <message>
            <source>#</source>
            <translation>#</translation>
        </message>
        <message>
            <source>Move</source>
            <translation>Bewegung</translation>
        </message>
        <message>
            <source>Score</source>
            <translation>Wert</translation>
        </message>
        <message>
            <source>Grade</source>
            <translation>Note</translation>
        </message>
        <message>
            <source>Type</source>
            <translation>Art</translation>
        </message>
        <message>
            <source>Document</source>
            <translation>Dokument</translation>
        </message>
        <message>
            <source>Passage</source>
            <translation>Passage</translation>
        </message>
        <message>
            <source>Places moved against the column to the left (new: not in its top %1)</source>
            <translation>Plätze gegenüber der Spalte links verschoben (neu: nicht unter ihren ersten %1)</translation>
        </message>
        <message>
            <source>Open an experiment to search its corpora.</source>
            <translation>Öffnen Sie ein Experiment, um seine Korpora zu durchsuchen.</translation>
        </message>
        <message>
            <source>(query set)</source>
            <translation>(Anfragemenge)</translation>
        </message>
        <message>
            <source>(query)</source>
            <translation>(Anfrage)</translation>
        </message>
        <message>
            <source>(none)</source>
            <translation>(keiner)</translation>
        </message>
        <message>
            <source>BM25</source>
            <translation>BM25</translation>
        </message>
        <message>
            <source>Dense: %1 (model %2)</source>
            <translation>Dicht: %1 (Modell %2)</translation>
        </message>
        <message>
            <source>Hybrid: %1 + BM25 (model %2)</source>
            <translation>Hybrid: %1 + BM25 (Modell %2)</translation>
        </message>
        <message>
            <source>The experiment has no corpus: import filings first.</source>
            <translation>Das Experiment hat kein Korpus: Importieren Sie zuerst Berichte.</translation>
        </message>
        <message>
            <source>Type a query first.</source>
            <translation>Geben Sie zuerst eine Anfrage ein.</translation>
        </message>
        <message>
            <source>Searching...</source>
            <translation>Suche läuft …</translation>
        </message>
        <message>
            <source>Search failed: %1</source>
            <translation>Suche fehlgeschlagen: %1</translation>
        </message>
        <message>
            <source>Double-click a hit to open its passage in the corpus browser; keys 0-3 grade the selected hit.</source>
            <translation>Doppelklick auf einen Treffer öffnet seine Passage im Korpus-Browser; die Tasten 0–3 bewerten den gewählten Treffer.</translation>
        </message>
        <message>
            <source>Stored your grade %1 for this query and passage.</source>
            <translation>Ihre Note %1 für diese Anfrage und Passage ist gespeichert.</translation>
        </message>
        <message>
            <source>Judge these</source>
            <translation>Diese bewerten</translation>
        </message>
        <message>
            <source>Ask the teacher set in Settings to grade the shown hits nobody has judged yet, as a background job; pairs it judged before are read back, not paid for again</source>
            <translation>Lässt den in den Einstellungen gewählten Lehrer die gezeigten, noch unbewerteten Treffer als Hintergrundauftrag bewerten; schon bewertete Paare werden gelesen, nicht erneut bezahlt</translation>
        </message>
        <message numerus="yes">
            <source>Asked the teacher about %n unjudged hit(s); grades fill in as they arrive (progress in Jobs).</source>
            <translation>
                <numerusform>Den Lehrer zu %n unbewerteten Treffer gefragt; die Noten erscheinen, sobald sie eintreffen (Fortschritt unter Aufträge).</numerusform>
                <numerusform>Den Lehrer zu %n unbewerteten Treffern gefragt; die Noten erscheinen, sobald sie eintreffen (Fortschritt unter Aufträge).</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::RunConfigDialog</name>
        <message>
            <source>New distillation run</source>
            <translation>Neuer Destillationslauf</translation>
        </message>
        <message>
            <source>run %1</source>
            <translation>Lauf %1</translation>
        </message>
        <message>
            <source>%1 (%2 passages)</source>
            <translation>%1 (%2 Passagen)</translation>
        </message>
        <message>
            <source>also evaluate BM25 as a baseline</source>
            <translation>BM25 zusätzlich als Vergleichsbasis evaluieren</translation>
        </message>
        <message>
            <source>all cores</source>
            <translation>alle Kerne</translation>
        </message>
        <message>
            <source>Name:</source>
            <translation>Name:</translation>
        </message>
        <message>
            <source>Corpus:</source>
            <translation>Korpus:</translation>
        </message>
        <message>
            <source>Student:</source>
            <translation>Schüler:</translation>
        </message>
        <message>
            <source>Teacher:</source>
            <translation>Lehrer:</translation>
        </message>
        <message>
            <source> (change in Settings)</source>
            <translation> (in den Einstellungen ändern)</translation>
        </message>
        <message>
            <source>Rounds:</source>
            <translation>Runden:</translation>
        </message>
        <message>
            <source>Queries per round:</source>
            <translation>Anfragen pro Runde:</translation>
        </message>
        <message>
            <source>Query types:</source>
            <translation>Anfragetypen:</translation>
        </message>
        <message>
            <source>Candidates per query:</source>
            <translation>Kandidaten pro Anfrage:</translation>
        </message>
        <message>
            <source>Loss:</source>
            <translation>Verlustfunktion:</translation>
        </message>
        <message>
            <source>Learning rate:</source>
            <translation>Lernrate:</translation>
        </message>
        <message>
            <source>Epochs:</source>
            <translation>Epochen:</translation>
        </message>
        <message>
            <source>Queries per batch:</source>
            <translation>Anfragen pro Batch:</translation>
        </message>
        <message>
            <source>Average with base weights:</source>
            <translation>Mit Basisgewichten mitteln:</translation>
        </message>
        <message>
            <source>Evaluate @k:</source>
            <translation>Evaluieren @k:</translation>
        </message>
        <message>
            <source>Seed:</source>
            <translation>Startwert:</translation>
        </message>
        <message>
            <source>Threads:</source>
            <translation>Threads:</translation>
        </message>
        <message>
            <source>Start run</source>
            <translation>Lauf starten</translation>
        </message>
        <message>
            <source>The experiment has no corpus yet: import one first (File &gt; Import corpus).</source>
            <translation>Das Experiment hat noch kein Korpus: Importieren Sie zuerst eines (Datei &gt; Korpus importieren).</translation>
        </message>
        <message>
            <source>Step by step: pause after each step to inspect it (Next step goes on)</source>
            <translation>Schritt für Schritt: nach jedem Schritt anhalten, um ihn zu prüfen (Nächster Schritt setzt fort)</translation>
        </message>
        <message>
            <source>automatic</source>
            <translation>automatisch</translation>
        </message>
        <message>
            <source>automatic: 1e-3 for the default student, 2e-5 for a pretrained model directory</source>
            <translation>automatisch: 1e-3 für den Standard-Schüler, 2e-5 für ein vortrainiertes Modellverzeichnis</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1: %2</translation>
        </message>
        <message>
            <source>"%1" is not a stored model; write model:&lt;id&gt; with the model's number</source>
            <translation>„%1“ ist kein gespeichertes Modell; schreiben Sie model:&lt;id&gt; mit der Nummer des Modells</translation>
        </message>
        <message>
            <source>model %1 points to %2, which no longer holds a model</source>
            <translation>Modell %1 verweist auf %2, das kein Modell mehr enthält</translation>
        </message>
        <message>
            <source>(no directory)</source>
            <translation>(kein Verzeichnis)</translation>
        </message>
        <message>
            <source>the experiment has no model %1</source>
            <translation>das Experiment hat kein Modell %1</translation>
        </message>
        <message>
            <source>%1 is neither "default", model:&lt;id&gt; nor an existing model directory</source>
            <translation>%1 ist weder „default“ noch model:&lt;id&gt; noch ein vorhandenes Modellverzeichnis</translation>
        </message>
        <message>
            <source>%1 holds no model (config.json and model.safetensors)</source>
            <translation>%1 enthält kein Modell (config.json und model.safetensors)</translation>
        </message>
        <message>
            <source>%1: the corpus has no passages; import documents into it first (File &gt; Import corpus).</source>
            <translation>%1: das Korpus hat keine Passagen; importieren Sie zuerst Dokumente (Datei &gt; Korpus importieren).</translation>
        </message>
        <message>
            <source>%1: %2 is more than the corpus has passages (%3).</source>
            <translation>%1: %2 ist mehr, als das Korpus Passagen hat (%3).</translation>
        </message>
        <message>
            <source>%1
Default: %2</source>
            <translation>%1
Vorgabe: %2</translation>
        </message>
        <message>
            <source>A name for the run in lists, charts and the report.</source>
            <translation>Ein Name für den Lauf in Listen, Diagrammen und im Bericht.</translation>
        </message>
        <message>
            <source>run N</source>
            <translation>Lauf N</translation>
        </message>
        <message>
            <source>The corpus whose passages the teacher writes queries for and the student learns to retrieve.</source>
            <translation>Das Korpus, zu dessen Passagen der Lehrer Anfragen schreibt und die der Schüler finden lernt.</translation>
        </message>
        <message>
            <source>the first corpus</source>
            <translation>das erste Korpus</translation>
        </message>
        <message>
            <source>The model to adapt: "default" (the embedded student), a model directory (Hugging Face BERT export) or model:&lt;id&gt; (a stored model, e.g. another run's last round).</source>
            <translation>Das anzupassende Modell: „default“ (der eingebaute Schüler), ein Modellverzeichnis (Hugging-Face-BERT-Export) oder model:&lt;id&gt; (ein gespeichertes Modell, etwa die letzte Runde eines anderen Laufs).</translation>
        </message>
        <message>
            <source>Rounds of synthesise, retrieve, judge, mine, train and evaluate after round 0 (the baseline).</source>
            <translation>Runden aus Synthese, Abruf, Bewertung, Mining, Training und Auswertung nach Runde 0 (der Ausgangslage).</translation>
        </message>
        <message>
            <source>Queries the teacher writes per round, from passages sampled across filing types.</source>
            <translation>Anfragen, die der Lehrer je Runde schreibt, zu Passagen, die über die Meldungsarten hinweg gezogen werden.</translation>
        </message>
        <message>
            <source>Passages the student retrieves per query and the teacher then grades: the pool mined pairs come from.</source>
            <translation>Passagen, die der Schüler je Anfrage abruft und der Lehrer dann bewertet: der Vorrat, aus dem die gewonnenen Paare stammen.</translation>
        </message>
        <message>
            <source>listwise: distil the teacher's grades over each query's list (RankGPT style); infonce: contrast positives with in-batch and mined negatives; triplet: margin between a positive and a negative.</source>
            <translation>listwise: die Noten des Lehrers über die Liste jeder Anfrage destillieren (wie RankGPT); infonce: Positive gegen Negative aus dem Batch und aus dem Mining abgrenzen; triplet: Abstand zwischen einem Positiv und einem Negativ.</translation>
        </message>
        <message>
            <source>The optimiser's step size; automatic picks it by the kind of student.</source>
            <translation>Die Schrittweite des Optimierers; automatisch wählt sie nach der Art des Schülers.</translation>
        </message>
        <message>
            <source>Passes over a round's training queries; training stops earlier when the dev queries stop improving.</source>
            <translation>Durchgänge über die Trainingsanfragen einer Runde; das Training endet früher, wenn sich die Dev-Anfragen nicht mehr verbessern.</translation>
        </message>
        <message>
            <source>Queries per optimiser step (each with its list of passages).</source>
            <translation>Anfragen je Optimierungsschritt (jede mit ihrer Liste von Passagen).</translation>
        </message>
        <message>
            <source>After training, blend the weights back towards the round's starting weights by this share (0: none); guards against forgetting.</source>
            <translation>Nach dem Training die Gewichte um diesen Anteil zu den Startgewichten der Runde zurückmischen (0: nicht); schützt vor dem Vergessen.</translation>
        </message>
        <message>
            <source>The cut-off of MRR, NDCG and Recall in every evaluation of the run.</source>
            <translation>Der Abschnitt von MRR, NDCG und Recall in jeder Auswertung des Laufs.</translation>
        </message>
        <message>
            <source>Score BM25 on the same held-out queries in round 0, as the baseline to beat.</source>
            <translation>BM25 in Runde 0 auf denselben zurückgehaltenen Anfragen auswerten, als zu schlagende Ausgangslage.</translation>
        </message>
        <message>
            <source>on</source>
            <translation>an</translation>
        </message>
        <message>
            <source>off</source>
            <translation>aus</translation>
        </message>
        <message>
            <source>Seeds the passage sampling, query synthesis and training, so a run can be repeated.</source>
            <translation>Startwert für das Ziehen der Passagen, die Anfragesynthese und das Training, damit sich ein Lauf wiederholen lässt.</translation>
        </message>
        <message>
            <source>CPU threads for embedding and training (0: all cores).</source>
            <translation>CPU-Threads für Einbettung und Training (0: alle Kerne).</translation>
        </message>
        <message>
            <source>Query types the teacher writes: question, claim (a statement the passage supports), keyword, title (a heading it could stand under).</source>
            <translation>Anfragearten, die der Lehrer schreibt: question (Frage), claim (eine Aussage, die die Passage stützt), keyword (Stichwörter), title (eine Überschrift, unter der sie stehen könnte).</translation>
        </message>
        <message>
            <source>all four</source>
            <translation>alle vier</translation>
        </message>
        <message>
            <source>Start the run paused after its first step; Next step (F8) then runs one step at a time.</source>
            <translation>Den Lauf nach seinem ersten Schritt pausiert starten; Nächster Schritt (F8) führt dann je einen Schritt aus.</translation>
        </message>
        <message>
            <source>%1 s</source>
            <translation>%1 s</translation>
        </message>
        <message>
            <source>%1 min</source>
            <translation>%1 min</translation>
        </message>
        <message>
            <source>%1 h</source>
            <translation>%1 h</translation>
        </message>
        <message>
            <source>%1 M</source>
            <translation>%1 Mio.</translation>
        </message>
        <message>
            <source>Per round: ~%1 teacher calls (the heuristic teacher runs here: no server, no cost)</source>
            <translation>Je Runde: ~%1 Lehrer-Aufrufe (der heuristische Lehrer läuft hier: kein Server, keine Kosten)</translation>
        </message>
        <message numerus="yes">
            <source>%n round(s) and the baseline ≈ %1 (rough)</source>
            <translation>
                <numerusform>%n Runde und die Basis ≈ %1 (grob)</numerusform>
                <numerusform>%n Runden und die Basis ≈ %1 (grob)</numerusform>
            </translation>
        </message>
        <message>
            <source>Per round: ~%1 teacher calls, ~%2 tokens, ~%3</source>
            <translation>Je Runde: ~%1 Lehrer-Aufrufe, ~%2 Tokens, ~%3</translation>
        </message>
        <message numerus="yes">
            <source>%n round(s) and the baseline ≈ %1, ~%2 (rough; calls are an upper bound)</source>
            <translation>
                <numerusform>%n Runde und die Basis ≈ %1, ~%2 (grob; Aufrufe sind eine Obergrenze)</numerusform>
                <numerusform>%n Runden und die Basis ≈ %1, ~%2 (grob; Aufrufe sind eine Obergrenze)</numerusform>
            </translation>
        </message>
        <message>
            <source>Per round: ~%1 teacher calls, ~%2 tokens, cost unknown (no prices set in the teacher settings)</source>
            <translation>Je Runde: ~%1 Lehrer-Aufrufe, ~%2 Tokens, Kosten unbekannt (keine Preise in den Lehrer-Einstellungen)</translation>
        </message>
        <message numerus="yes">
            <source>%n round(s) and the baseline: ~%1 tokens, ~%2 (rough; calls are an upper bound)</source>
            <translation>
                <numerusform>%n Runde und die Basis: ~%1 Tokens, ~%2 (grob; Aufrufe sind eine Obergrenze)</numerusform>
                <numerusform>%n Runden und die Basis: ~%1 Tokens, ~%2 (grob; Aufrufe sind eine Obergrenze)</numerusform>
            </translation>
        </message>
        <message>
            <source>No estimate: %1</source>
            <translation>Keine Schätzung: %1</translation>
        </message>
    </context>
    <context>
        <name>RunJobs</name>
        <message>
            <source>evaluation %1 stored:</source>
            <translation>Auswertung %1 gespeichert:</translation>
        </message>
        <message>
            <source>evaluation %1 stored: NDCG@%2 %3, MRR@%2 %4</source>
            <translation>Auswertung %1 gespeichert: NDCG@%2 %3, MRR@%2 %4</translation>
        </message>
        <message numerus="yes">
            <source>on %Ln %1 queries</source>
            <translation>
                <numerusform>auf %Ln %1-Anfrage</numerusform>
                <numerusform>auf %Ln %1-Anfragen</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>on %Ln (every split) queries</source>
            <translation>
                <numerusform>auf %Ln Anfrage (alle Teilmengen)</numerusform>
                <numerusform>auf %Ln Anfragen (alle Teilmengen)</numerusform>
            </translation>
        </message>
        <message>
            <source>%1 judged by %2, %3 already stored, %4 failed</source>
            <translation>%1 bewertet von %2, %3 schon gespeichert, %4 fehlgeschlagen</translation>
        </message>
        <message>
            <source>, cost %1</source>
            <translation>, Kosten %1</translation>
        </message>
        <message>
            <source>passage %1: %2</source>
            <translation>Passage %1: %2</translation>
        </message>
        <message numerus="yes">
            <source>the teacher judged none of the %Ln passages: %1</source>
            <translation>
                <numerusform>der Lehrer hat die %Ln Passage nicht bewertet: %1</numerusform>
                <numerusform>der Lehrer hat keine der %Ln Passagen bewertet: %1</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::RunsModel</name>
        <message>
            <source>round 0: held-out queries</source>
            <translation>Runde 0: zurückgehaltene Anfragen</translation>
        </message>
        <message>
            <source>round 0: baseline evaluation</source>
            <translation>Runde 0: Auswertung der Ausgangslage</translation>
        </message>
        <message>
            <source>round %1: %2</source>
            <translation>Runde %1: %2</translation>
        </message>
        <message>
            <source>running</source>
            <translation>läuft</translation>
        </message>
        <message>
            <source>interrupted</source>
            <translation>unterbrochen</translation>
        </message>
        <message>
            <source>%1 of %2</source>
            <translation>%1 von %2</translation>
        </message>
        <message>
            <source>none (complete)</source>
            <translation>keiner (abgeschlossen)</translation>
        </message>
        <message>
            <source>Next step runs this step alone; Resume runs every step left.</source>
            <translation>„Nächster Schritt“ führt nur diesen Schritt aus; „Lauf fortsetzen“ alle verbleibenden.</translation>
        </message>
        <message>
            <source>Run</source>
            <translation>Lauf</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>Corpus</source>
            <translation>Korpus</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>Rounds done</source>
            <translation>Fertige Runden</translation>
        </message>
        <message>
            <source>Next step</source>
            <translation>Nächster Schritt</translation>
        </message>
        <message>
            <source>not scored yet</source>
            <translation>noch nicht bewertet</translation>
        </message>
        <message>
            <source>Judged by</source>
            <translation>Bewertet von</translation>
        </message>
        <message>
            <source>evaluate</source>
            <translation>auswerten</translation>
        </message>
        <message>
            <source>synthesise queries</source>
            <translation>Anfragen erzeugen</translation>
        </message>
        <message>
            <source>retrieve candidates</source>
            <translation>Kandidaten abrufen</translation>
        </message>
        <message>
            <source>judge</source>
            <translation>bewerten</translation>
        </message>
        <message>
            <source>mine pairs</source>
            <translation>Paare auswählen</translation>
        </message>
        <message>
            <source>train</source>
            <translation>trainieren</translation>
        </message>
        <message>
            <source>pending</source>
            <translation>wartend</translation>
        </message>
        <message>
            <source>paused</source>
            <translation>pausiert</translation>
        </message>
        <message>
            <source>completed</source>
            <translation>abgeschlossen</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>fehlgeschlagen</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::SettingsDialog</name>
        <message>
            <source>Settings</source>
            <translation>Einstellungen</translation>
        </message>
        <message>
            <source>Heuristic teacher (offline, no LLM)</source>
            <translation>Heuristischer Lehrer (offline, ohne LLM)</translation>
        </message>
        <message>
            <source>OpenAI-compatible endpoint</source>
            <translation>OpenAI-kompatibler Endpunkt</translation>
        </message>
        <message>
            <source>OS keychain</source>
            <translation>Schlüsselbund des Systems</translation>
        </message>
        <message>
            <source>Environment variable</source>
            <translation>Umgebungsvariable</translation>
        </message>
        <message>
            <source>type a new key to store it in the keychain</source>
            <translation>neuen Schlüssel eingeben, um ihn im Schlüsselbund zu speichern</translation>
        </message>
        <message>
            <source>Test connection</source>
            <translation>Verbindung testen</translation>
        </message>
        <message>
            <source>Teacher</source>
            <translation>Lehrer</translation>
        </message>
        <message>
            <source>Kind:</source>
            <translation>Art:</translation>
        </message>
        <message>
            <source>Endpoint:</source>
            <translation>Endpunkt:</translation>
        </message>
        <message>
            <source>Model:</source>
            <translation>Modell:</translation>
        </message>
        <message>
            <source>API key from:</source>
            <translation>API-Schlüssel aus:</translation>
        </message>
        <message>
            <source>API key:</source>
            <translation>API-Schlüssel:</translation>
        </message>
        <message>
            <source>Variable name:</source>
            <translation>Variablenname:</translation>
        </message>
        <message>
            <source>empty: the embedded default student</source>
            <translation>leer: der eingebaute Standardschüler</translation>
        </message>
        <message>
            <source>Browse...</source>
            <translation>Durchsuchen …</translation>
        </message>
        <message>
            <source>Student model directory</source>
            <translation>Verzeichnis des Schülermodells</translation>
        </message>
        <message>
            <source>all cores</source>
            <translation>alle Kerne</translation>
        </message>
        <message>
            <source>Student and compute</source>
            <translation>Schüler und Rechenleistung</translation>
        </message>
        <message>
            <source>Model directory:</source>
            <translation>Modellverzeichnis:</translation>
        </message>
        <message>
            <source>Threads:</source>
            <translation>Threads:</translation>
        </message>
        <message>
            <source>Defaults for new runs</source>
            <translation>Vorgaben für neue Läufe</translation>
        </message>
        <message>
            <source>Rounds:</source>
            <translation>Runden:</translation>
        </message>
        <message>
            <source>Queries per round:</source>
            <translation>Anfragen pro Runde:</translation>
        </message>
        <message>
            <source>Candidates per query:</source>
            <translation>Kandidaten pro Anfrage:</translation>
        </message>
        <message>
            <source>Learning rate:</source>
            <translation>Lernrate:</translation>
        </message>
        <message>
            <source>Epochs:</source>
            <translation>Epochen:</translation>
        </message>
        <message>
            <source>Seed:</source>
            <translation>Startwert:</translation>
        </message>
        <message>
            <source>System language</source>
            <translation>Systemsprache</translation>
        </message>
        <message>
            <source>Language (after restart):</source>
            <translation>Sprache (nach Neustart):</translation>
        </message>
        <message>
            <source>a key is stored in the keychain (type to replace it)</source>
            <translation>ein Schlüssel ist im Schlüsselbund gespeichert (zum Ersetzen tippen)</translation>
        </message>
        <message>
            <source>An OpenAI-compatible teacher needs an endpoint URL.</source>
            <translation>Ein OpenAI-kompatibler Lehrer braucht eine Endpunkt-URL.</translation>
        </message>
        <message>
            <source>Name the environment variable that holds the API key.</source>
            <translation>Nennen Sie die Umgebungsvariable, die den API-Schlüssel enthält.</translation>
        </message>
        <message>
            <source>Testing...</source>
            <translation>Teste …</translation>
        </message>
        <message>
            <source>Connected: %1 answered grade %2 in %3 ms.</source>
            <translation>Verbunden: %1 antwortete mit Note %2 in %3 ms.</translation>
        </message>
        <message>
            <source>The endpoint did not answer usefully: %1</source>
            <translation>Der Endpunkt hat nicht brauchbar geantwortet: %1</translation>
        </message>
        <message>
            <source>Connection failed: %1</source>
            <translation>Verbindung fehlgeschlagen: %1</translation>
        </message>
        <message>
            <source>automatic</source>
            <translation>automatisch</translation>
        </message>
        <message>
            <source>automatic: 1e-3 for the default student, 2e-5 for a pretrained model directory</source>
            <translation>automatisch: 1e-3 für den Standard-Schüler, 2e-5 für ein vortrainiertes Modellverzeichnis</translation>
        </message>
        <message>
            <source>Could not store the key in the OS keychain: %1</source>
            <translation>Der Schlüssel konnte nicht im Schlüsselbund des Systems gespeichert werden: %1</translation>
        </message>
        <message>
            <source>not set</source>
            <translation>nicht gesetzt</translation>
        </message>
        <message>
            <source>What the endpoint charges per 1,000 tokens; the new-run dialog estimates a run's cost from it. Not set: the cost shows as unknown.</source>
            <translation>Was der Endpunkt je 1.000 Tokens berechnet; der Dialog für neue Läufe schätzt daraus die Kosten. Nicht gesetzt: Die Kosten erscheinen als unbekannt.</translation>
        </message>
        <message>
            <source>Price per 1,000 prompt tokens:</source>
            <translation>Preis je 1.000 Prompt-Tokens:</translation>
        </message>
        <message>
            <source>Price per 1,000 completion tokens:</source>
            <translation>Preis je 1.000 Antwort-Tokens:</translation>
        </message>
    </context>
    <context>
        <name>distillery::ui::UserGuide</name>
        <message>
            <source>User guide</source>
            <translation>Benutzerhandbuch</translation>
        </message>
        <message>
            <source>The user guide is missing from this build.</source>
            <translation>Das Benutzerhandbuch fehlt in diesem Build.</translation>
        </message>
    </context>
    <context>
        <name>distillery::Message</name>
        <message>
            <source>download</source>
            <translation>Herunterladen</translation>
        </message>
        <message>
            <source>detect</source>
            <translation>Erkennen</translation>
        </message>
        <message>
            <source>demo</source>
            <translation>Demo</translation>
        </message>
        <message>
            <source>import</source>
            <translation>Import</translation>
        </message>
        <message>
            <source>train default student</source>
            <translation>Standard-Schüler trainieren</translation>
        </message>
        <message>
            <source>default student</source>
            <translation>Standard-Schüler</translation>
        </message>
        <message>
            <source>embed</source>
            <translation>Einbetten</translation>
        </message>
        <message>
            <source>synthesise</source>
            <translation>Anfragen erzeugen</translation>
        </message>
        <message>
            <source>retrieve</source>
            <translation>Kandidaten abrufen</translation>
        </message>
        <message>
            <source>judge</source>
            <translation>bewerten</translation>
        </message>
        <message>
            <source>mine</source>
            <translation>Paare gewinnen</translation>
        </message>
        <message>
            <source>train</source>
            <translation>trainieren</translation>
        </message>
        <message>
            <source>evaluate</source>
            <translation>auswerten</translation>
        </message>
        <message>
            <source>judge held-out pool</source>
            <translation>zurückgehaltene Anfragen bewerten</translation>
        </message>
        <message>
            <source>tune hybrid on dev</source>
            <translation>Hybrid auf dev abstimmen</translation>
        </message>
        <message>
            <source>encode passages</source>
            <translation>Passagen kodieren</translation>
        </message>
        <message>
            <source>encode queries</source>
            <translation>Anfragen kodieren</translation>
        </message>
        <message>
            <source>index</source>
            <translation>Index</translation>
        </message>
        <message>
            <source>load</source>
            <translation>Laden</translation>
        </message>
        <message>
            <source>search</source>
            <translation>Suchen</translation>
        </message>
        <message>
            <source>store</source>
            <translation>Speichern</translation>
        </message>
        <message>
            <source>bm25</source>
            <translation>BM25</translation>
        </message>
        <message>
            <source>round 0</source>
            <translation>Runde 0</translation>
        </message>
        <message>
            <source>round %1/%2</source>
            <translation>Runde %1/%2</translation>
        </message>
        <message>
            <source>BM25 ranks the pseudo-queries</source>
            <translation>BM25 ordnet die Pseudo-Anfragen</translation>
        </message>
        <message>
            <source>loss %1</source>
            <translation>Verlust %1</translation>
        </message>
        <message>
            <source>%1 from the cache</source>
            <translation>%1 aus dem Cache</translation>
        </message>
        <message>
            <source>building dense index</source>
            <translation>dichter Index wird aufgebaut</translation>
        </message>
        <message>
            <source>queries and judgments</source>
            <translation>Anfragen und Relevanzurteile</translation>
        </message>
        <message>
            <source>indexing passages</source>
            <translation>Passagen werden indexiert</translation>
        </message>
        <message>
            <source>indexed</source>
            <translation>indexiert</translation>
        </message>
        <message>
            <source>held-out queries</source>
            <translation>zurückgehaltene Anfragen</translation>
        </message>
        <message>
            <source>dropped query of passage %1 (%2) '%3': %4</source>
            <translation>Anfrage zu Passage %1 (%2) verworfen: „%3“: %4</translation>
        </message>
        <message>
            <source>run %1 on corpus '%2' (%3 passages), teacher %4/%5, student %6</source>
            <translation>Lauf %1 auf Korpus „%2“ (%3 Passagen), Lehrer %4/%5, Schüler %6</translation>
        </message>
        <message>
            <source>round %1: %2 took %3 s</source>
            <translation>Runde %1: %2 dauerte %3 s</translation>
        </message>
        <message>
            <source>run %1 paused after %2 step(s); next: %3</source>
            <translation>Lauf %1 nach %2 Schritt(en) pausiert; als Nächstes: %3</translation>
        </message>
        <message>
            <source>round %1: people's labels replaced the teacher's grade on %2 pairs</source>
            <translation>Runde %1: Labels von Menschen haben die Note des Lehrers bei %2 Paaren ersetzt</translation>
        </message>
        <message>
            <source>round %1: training on %2 queries (%3 dev), loss %4</source>
            <translation>Runde %1: Training auf %2 Anfragen (%3 dev), Verlustfunktion %4</translation>
        </message>
        <message>
            <source>round %1: held-out pool %2 pairs (%3 newly judged, %4 cached, %5 failed)</source>
            <translation>Runde %1: zurückgehaltener Pool %2 Paare (%3 neu bewertet, %4 aus dem Cache, %5 fehlgeschlagen)</translation>
        </message>
        <message>
            <source>round %1: student MRR@%2 %3, NDCG@%2 %4 over %5 held-out queries</source>
            <translation>Runde %1: Schüler MRR@%2 %3, NDCG@%2 %4 über %5 zurückgehaltene Anfragen</translation>
        </message>
        <message>
            <source>round 0: BM25 MRR@%1 %2</source>
            <translation>Runde 0: BM25 MRR@%1 %2</translation>
        </message>
        <message>
            <source>round %1: %2 %3 queries written, %4 already there, %5 failed%6%7</source>
            <translation>Runde %1: %2 %3-Anfragen geschrieben, %4 schon vorhanden, %5 fehlgeschlagen%6%7</translation>
        </message>
        <message>
            <source> (first: %1)</source>
            <translation> (erster Fehler: %1)</translation>
        </message>
        <message>
            <source>, %1 dropped as duplicates</source>
            <translation>, %1 als Duplikate verworfen</translation>
        </message>
        <message>
            <source>no human query set: evaluating on %1 held-out teacher queries (never trained on), judged by the teacher</source>
            <translation>keine menschliche Anfragemenge: ausgewertet wird auf %1 zurückgehaltenen Anfragen des Lehrers (nie trainiert), vom Lehrer bewertet</translation>
        </message>
        <message>
            <source>round %1: kept %2 of %3 queries (source passage in the student's top %4), %5 candidates</source>
            <translation>Runde %1: %2 von %3 Anfragen behalten (Quellpassage unter den ersten %4 des Schülers), %5 Kandidaten</translation>
        </message>
        <message>
            <source>round %1: %2 pairs: %3 judged, %4 from the cache, %5 failed; %6 calls, %7 tokens</source>
            <translation>Runde %1: %2 Paare: %3 bewertet, %4 aus dem Cache, %5 fehlgeschlagen; %6 Aufrufe, %7 Tokens</translation>
        </message>
        <message>
            <source>round %1: every kept query is in the dev split; training on them, without early stopping</source>
            <translation>Runde %1: jede behaltene Anfrage ist im dev-Teil; es wird auf ihnen trainiert, ohne vorzeitiges Anhalten</translation>
        </message>
        <message>
            <source>round %1: training reads people's grades on %2 pairs</source>
            <translation>Runde %1: das Training liest die Noten von Menschen bei %2 Paaren</translation>
        </message>
        <message>
            <source>round %1: no hybrid: the evaluation queries have no dev split to choose its fusion weight on</source>
            <translation>Runde %1: kein Hybrid: die Auswertungsanfragen haben keinen dev-Teil, auf dem sein Fusionsgewicht gewählt werden könnte</translation>
        </message>
        <message>
            <source>round %1: mined %2; %3 queries dropped (the teacher did not grade their source passage relevant), the false-negative guard fired %4 times</source>
            <translation>Runde %1: gewonnene Paare %2; %3 Anfragen verworfen (der Lehrer hat ihre Quellpassage nicht als relevant bewertet), der Schutz vor falschen Negativen griff %4-mal</translation>
        </message>
        <message>
            <source>round %1: round %2's %3 scored again against the grown held-out pool: NDCG@%4 %5 -&gt; %6</source>
            <translation>Runde %1: %3 aus Runde %2 neu bewertet am gewachsenen zurückgehaltenen Pool: NDCG@%4 %5 -&gt; %6</translation>
        </message>
        <message>
            <source>round %1: hybrid (student weight %2, chosen on %3 dev queries: NDCG@%4 %5) MRR@%4 %6, NDCG@%4 %7</source>
            <translation>Runde %1: Hybrid (Schülergewicht %2, gewählt auf %3 dev-Anfragen: NDCG@%4 %5) MRR@%4 %6, NDCG@%4 %7</translation>
        </message>
        <message>
            <source>embed corpus</source>
            <translation>Korpus einbetten</translation>
        </message>
        <message>
            <source>bm25 index</source>
            <translation>BM25-Index</translation>
        </message>
        <message>
            <source>round %1: %2 steps, loss %3 -&gt; %4%5</source>
            <translation>Runde %1: %2 Schritte, Verlust %3 -&gt; %4%5</translation>
        </message>
        <message>
            <source>, dev retrieval NDCG@5 %1 -&gt; %2%3</source>
            <translation>, dev-Retrieval NDCG@5 %1 -&gt; %2%3</translation>
        </message>
        <message>
            <source> (no epoch improved dev: the round keeps its starting weights)</source>
            <translation> (keine Epoche verbesserte dev: die Runde behält ihre Anfangsgewichte)</translation>
        </message>
        <message>
            <source>corpus has %1 imported query sets; evaluating on the first, '%2' (set evaluation.query_set to choose)</source>
            <translation>Korpus hat %1 importierte Anfragesätze; ausgewertet wird auf dem ersten, „%2“ (evaluation.query_set wählt einen anderen)</translation>
        </message>
        <message>
            <source>round %1: %2</source>
            <translation>Runde %1: %2</translation>
        </message>
        <message>
            <source>baseline evaluation</source>
            <translation>Auswertung des Ausgangsstands</translation>
        </message>
        <message>
            <source>round %1: trained data-parallel on %2 ranks, %3 ms per step exchanging batches, embeddings and gradients</source>
            <translation>Runde %1: datenparallel auf %2 Rängen trainiert, %3 ms je Schritt für den Austausch von Batches, Einbettungen und Gradienten</translation>
        </message>
    </context>
    <context>
        <name>distillery::Split</name>
        <message>
            <source>train</source>
            <translation>Trainings</translation>
        </message>
        <message>
            <source>dev</source>
            <translation>dev</translation>
        </message>
        <message>
            <source>test</source>
            <translation>test</translation>
        </message>
    </context>
    <context>
        <name>main</name>
        <message>
            <source>Distillery experiment workbench</source>
            <translation>Distillery-Experimentierwerkbank</translation>
        </message>
        <message>
            <source>Experiment file to open</source>
            <translation>Zu öffnende Experimentdatei</translation>
        </message>
        <message>
            <source>Quit after the given milliseconds (smoke tests)</source>
            <translation>Nach der angegebenen Zahl von Millisekunden beenden (Rauchtests)</translation>
        </message>
    </context>
</TS>