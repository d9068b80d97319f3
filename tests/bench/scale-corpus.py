#!/usr/bin/env python3
"""Writes a corpus of real filing text at a chosen size for the scale benchmark (tests/bench/scale-benchmark.sh).

The shared filings (EDGAR-CORPUS 10-K and 8-K JSON, 10-Q text with its metadata.jsonl sidecar) are copied COPIES
times. Copy 0 is the filings as they are; copy c > 0 renames each company (its name in the metadata and in the
text), moves its CIK, shifts every year (metadata and text) back by c % 4 and scales every other number of three
or more digits by 1 + c / 97, keeping its format. So each copy reads as real filings of another company and
period, and its passages are not exact duplicates the importer would drop (a passage with no name, year or number
still is one, and is dropped: the benchmark reports the passages imported, not the ones written).

Deterministic: the same COPIES gives the same bytes. Written into OUT/copyNNN/{edgar-10k,edgar-8k,10q}; OUT is a
cache folder outside the repository, never committed. A finished OUT holds a file COMPLETE; an OUT without it is
rewritten. Copies a finished smaller corpus beside OUT holds are hard-linked from it, the rest written on every core.

    tests/bench/scale-corpus.py --filings ../shared/data/filings --out ~/.cache/distillery-bench/corpus-5 --copies 5
"""
import argparse
import functools
import json
import multiprocessing
import os
import re
import shutil
import sys

NAMES = ["Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Ginkgo", "Hazel", "Ironwood", "Juniper", "Kapok",
         "Larch", "Maple", "Nutmeg", "Oak", "Pine", "Quince", "Rowan", "Spruce", "Tamarack", "Umbrella", "Viburnum",
         "Willow", "Yew", "Zelkova", "Acacia", "Baobab", "Cypress", "Ebony", "Hemlock", "Laurel", "Magnolia",
         "Olive", "Poplar", "Redwood", "Sequoia", "Teak", "Walnut", "Aspen", "Beech"]

NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w])")
YEAR = re.compile(r"^(19\d\d|20[0-4]\d)$")


def company_word(copy, old):
    """Another name for a company's first word, the same for the same (copy, word), different across both."""
    return (NAMES[copy % len(NAMES)] + old[:4].capitalize() +
            ("" if copy < len(NAMES) else str(copy // len(NAMES) + 1)))


class Copy:
    def __init__(self, copy):
        self.copy = copy
        self.year_shift = copy % 4
        self.scale = 1.0 + copy / 97.0

    def number(self, match):
        whole, fraction = match.group(1), match.group(2) or ""
        digits = whole.replace(",", "")
        if YEAR.match(whole) and not fraction:
            return str(int(whole) - self.year_shift)
        if len(digits) < 3:
            return match.group(0)  # item numbers, notes, small counts: left as they read
        value = int(digits) * self.scale
        if fraction:
            text = f"{value + float(fraction):.{len(fraction) - 1}f}"
            integer, _, decimals = text.partition(".")
            integer = f"{int(integer):,}" if "," in whole else integer
            return integer + "." + decimals
        value = int(round(value))
        return f"{value:,}" if "," in whole else str(value)

    def text(self, text, names):
        if self.copy == 0:
            return text
        for old, new in names:
            text = re.sub(r"\b" + re.escape(old) + r"\b", new, text, flags=re.IGNORECASE)
        return NUMBER.sub(self.number, text)

    def date(self, value):
        if self.copy == 0 or not isinstance(value, str):
            return value
        return re.sub(r"\b(19|20)\d\d\b", lambda m: str(int(m.group(0)) - self.year_shift), value, count=1)

    def company(self, company):
        """The new company name and the (old, new) words to replace in its text."""
        if self.copy == 0 or not company:
            return company, []
        words = company.split()
        new_word = company_word(self.copy, words[0])
        names = [(words[0], new_word)] if len(words[0]) >= 3 else []
        return " ".join([new_word] + words[1:]), names


def write_edgar(src_dir, dst_dir, copy):
    os.makedirs(dst_dir, exist_ok=True)
    for name in sorted(os.listdir(src_dir)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(src_dir, name), encoding="utf-8") as f:
            record = json.load(f)
        company, names = copy.company(record.get("company", ""))
        out = {}
        for key, value in record.items():
            if key == "company":
                out[key] = company
            elif key == "cik" and copy.copy:
                out[key] = str(int(value) + copy.copy * 10_000_000) if str(value).isdigit() else value
            elif key in ("filing_date", "period_of_report"):
                out[key] = copy.date(value)
            elif key.startswith("item_") and isinstance(value, str):
                out[key] = copy.text(value, names)
            else:
                out[key] = value
        with open(os.path.join(dst_dir, f"c{copy.copy:03d}-{name}"), "w", encoding="utf-8") as f:
            json.dump(out, f, ensure_ascii=False)


def write_text(src_dir, dst_dir, copy):
    os.makedirs(dst_dir, exist_ok=True)
    sidecar = []
    with open(os.path.join(src_dir, "metadata.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                sidecar.append(json.loads(line))
    with open(os.path.join(dst_dir, "metadata.jsonl"), "w", encoding="utf-8") as meta:
        for entry in sidecar:
            company, names = copy.company(entry.get("company", ""))
            name = f"c{copy.copy:03d}-{entry['file']}"
            with open(os.path.join(src_dir, entry["file"]), encoding="utf-8") as f:
                text = f.read()
            with open(os.path.join(dst_dir, name), "w", encoding="utf-8") as f:
                f.write(copy.text(text, names))
            out = dict(entry, file=name, company=company)
            if "period" in out:
                out["period"] = copy.date(out["period"])
            meta.write(json.dumps(out, ensure_ascii=False) + "\n")


def write_copy(filings, out, c):
    """Writes copy c into out/copyNNN (the same bytes whatever the corpus size it belongs to)."""
    copy = Copy(c)
    base = os.path.join(out, f"copy{c:03d}")
    for edgar in ("edgar-10k", "edgar-8k"):
        if os.path.isdir(os.path.join(filings, edgar)):
            write_edgar(os.path.join(filings, edgar), os.path.join(base, edgar), copy)
    if os.path.isdir(os.path.join(filings, "10q")):
        write_text(os.path.join(filings, "10q"), os.path.join(base, "10q"), copy)
    return c


def reusable_copies(out, copies):
    """The largest finished sibling corpus (OUT's parent holds corpus-N folders) of fewer copies: its copies are
    this one's first ones, byte for byte, so they are hard-linked instead of written again."""
    parent = os.path.dirname(os.path.abspath(out))
    best = None
    for name in os.listdir(parent):
        match = re.fullmatch(r"corpus-(\d+)", name)
        folder = os.path.join(parent, name)
        if match and int(match.group(1)) < copies and os.path.exists(os.path.join(folder, "COMPLETE")) and \
                os.path.abspath(folder) != os.path.abspath(out) and (best is None or int(match.group(1)) > best[0]):
            best = (int(match.group(1)), folder)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--filings", required=True, help="the shared filings folder (edgar-10k, edgar-8k, 10q)")
    parser.add_argument("--out", required=True, help="cache folder to write (outside the repository)")
    parser.add_argument("--copies", type=int, required=True)
    args = parser.parse_args()
    if os.path.exists(os.path.join(args.out, "COMPLETE")):
        return 0
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    first = 0
    reuse = reusable_copies(args.out, args.copies)
    if reuse:
        first = reuse[0]
        for c in range(first):
            shutil.copytree(os.path.join(reuse[1], f"copy{c:03d}"), os.path.join(args.out, f"copy{c:03d}"),
                            copy_function=os.link)
        print(f"scale-corpus: copies 1-{first} linked from {reuse[1]}", file=sys.stderr)
    # Copies are independent: written on every core.
    with multiprocessing.Pool(os.cpu_count() or 1) as pool:
        for c in pool.imap_unordered(functools.partial(write_copy, args.filings, args.out), range(first, args.copies)):
            print(f"scale-corpus: copy {c + 1}/{args.copies}", file=sys.stderr)
    with open(os.path.join(args.out, "COMPLETE"), "w") as f:
        f.write(f"{args.copies}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
