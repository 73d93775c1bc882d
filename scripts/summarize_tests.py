#!/usr/bin/env python3
"""Adds up lit's JSON results and ctest's JUnit XML into one closing line:
`N passed, N failed, N skipped`. Exits 1 if anything failed or if a result
file is missing (a runner that crashed before writing it counts as failed)."""
import json
import sys
import xml.etree.ElementTree as ET

LIT_PASS = {"PASS", "XFAIL"}
LIT_SKIP = {"UNSUPPORTED", "SKIPPED", "EXCLUDED"}


def lit_counts(path):
    with open(path) as f:
        tests = json.load(f)["tests"]
    passed = sum(t["code"] in LIT_PASS for t in tests)
    skipped = sum(t["code"] in LIT_SKIP for t in tests)
    return passed, len(tests) - passed - skipped, skipped


def ctest_counts(path):
    passed = failed = skipped = 0
    for case in ET.parse(path).getroot().iter("testcase"):
        status = case.get("status", "")
        if case.find("failure") is not None or status == "fail":
            failed += 1
        elif case.find("skipped") is not None or status in ("notrun", "disabled"):
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def main(lit_json, ctest_xml):
    total = [0, 0, 0]
    ok = True
    for name, path, counter in (("lit", lit_json, lit_counts),
                                ("ctest", ctest_xml, ctest_counts)):
        try:
            counts = counter(path)
        except (OSError, ValueError, KeyError, ET.ParseError) as e:
            print(f"{name}: no readable results ({e})", file=sys.stderr)
            ok = False
            continue
        print(f"{name:6} passed={counts[0]} failed={counts[1]} skipped={counts[2]}")
        total = [a + b for a, b in zip(total, counts)]
    if not ok:
        total[1] += 1
    print(f"{total[0]} passed, {total[1]} failed, {total[2]} skipped")
    return 0 if total[1] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
