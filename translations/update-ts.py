#!/usr/bin/env python3
"""Refreshes translations/*.ts from the sources with lupdate, keeping existing translations.

lupdate's C++ parser does not understand `namespace distillery::ui {`, so it files tr() strings under the
bare class name while Qt looks them up under the qualified one (distillery::ui::MainWindow). This script
shortens the contexts before lupdate and qualifies them again afterwards.
core/util/Message.h is read too: core marks its progress messages there with DISTILLERY_TRANSLATE_NOOP.
Usage: translations/update-ts.py   (from anywhere; needs /usr/lib/qt6/bin/lupdate)
"""
import pathlib
import re
import subprocess
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parent.parent
PREFIX = "distillery::ui::"
LUPDATE = "/usr/lib/qt6/bin/lupdate"


def ui_classes():
    """Classes declared in ui/: their tr() contexts carry the namespace; others (main) stay as they are."""
    names = set()
    for header in (ROOT / "ui").rglob("*.h"):
        names.update(re.findall(r"class\s+(\w+)\s*:\s*public", header.read_text(encoding="utf-8")))
    return names


def write_ts(tree, ts_path):
    ET.indent(tree, space="    ")
    with open(ts_path, "wb") as out:
        out.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(out, encoding="utf-8")


def rename_contexts(ts_path, qualify):
    tree = ET.parse(ts_path)
    root = tree.getroot()
    merged = {}
    for context in list(root.findall("context")):
        name = context.find("name")
        short = name.text[len(PREFIX):] if name.text.startswith(PREFIX) else name.text
        name.text = PREFIX + short if qualify and short in ui_classes() else short
        if name.text in merged:  # the same class seen under both spellings: one context
            target = merged[name.text]
            seen = {m.findtext("source") for m in target.findall("message")}
            for message in context.findall("message"):
                if message.findtext("source") not in seen:
                    target.append(message)
            root.remove(context)
        else:
            merged[name.text] = context
    write_ts(tree, ts_path)


def finished_translations(ts_path):
    """(short context, source) -> translation of every finished message."""
    done = {}
    for context in ET.parse(ts_path).getroot().findall("context"):
        name = context.findtext("name")
        short = name[len(PREFIX):] if name.startswith(PREFIX) else name
        for message in context.findall("message"):
            translation = message.find("translation")
            if translation is not None and translation.get("type") is None and translation.text:
                done[(short, message.findtext("source"))] = translation.text
    return done


def keep_finished(ts_path, done):
    """Strings marked with QT_TRANSLATE_NOOP("distillery::ui::X", ...) come back from lupdate under the qualified
    context while their translation sat under the short one: lupdate copies it but marks it unfinished. A string
    whose translation is unchanged stays finished."""
    tree = ET.parse(ts_path)
    for context in tree.getroot().findall("context"):
        name = context.findtext("name")
        short = name[len(PREFIX):] if name.startswith(PREFIX) else name
        for message in context.findall("message"):
            translation = message.find("translation")
            if (translation is not None and translation.get("type") == "unfinished" and translation.text
                    and done.get((short, message.findtext("source"))) == translation.text):
                del translation.attrib["type"]
    write_ts(tree, ts_path)


def main():
    for ts in sorted((ROOT / "translations").glob("distillery_*.ts")):
        done = finished_translations(ts)
        rename_contexts(ts, qualify=False)
        # core's messages (core/util/Message.h) are marked with DISTILLERY_TRANSLATE_NOOP, core having no Qt.
        subprocess.run([LUPDATE, "-silent", "-no-obsolete", "-locations", "none",
                        "-tr-function-alias", "QT_TRANSLATE_NOOP+=DISTILLERY_TRANSLATE_NOOP", str(ROOT / "ui"),
                        str(ROOT / "app" / "gui"), str(ROOT / "core" / "util" / "Message.h"), "-ts", str(ts)],
                       check=True)
        rename_contexts(ts, qualify=True)
        keep_finished(ts, done)
        print("updated", ts.relative_to(ROOT))


if __name__ == "__main__":
    main()
