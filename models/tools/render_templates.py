#!/usr/bin/python3
"""Renders the chat-template conformance vectors the Java test compares against.

Run once with Debian's jinja2 (python3-jinja2), never at test time:
    /usr/bin/python3 models/tools/render_templates.py

It reads src/test/resources/chat-templates/families/{families.json,*.jinja} and writes
families/expected.json. The environment is built the way Hugging Face transformers builds it
for apply_chat_template (transformers/utils/chat_template_utils.py, _compile_jinja_template and
render_jinja_template), written again here so that no transformers install is needed:
  * ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
    extensions=[jinja2.ext.loopcontrols]);
  * filter tojson = json.dumps(x, ensure_ascii=False, indent=indent, separators=separators,
    sort_keys=sort_keys) (jinja2's own tojson would HTML-escape and sort keys);
  * globals raise_exception (raises TemplateError(message)) and strftime_now(fmt), here pinned
    to the date in families.json so the expected strings do not change with the calendar;
  * render(messages=..., tools=None, documents=None, add_generation_prompt=True,
    bos_token=..., eos_token=...), as transformers passes tools and documents as None.
"""
import datetime
import json
import os
import sys

import jinja2
from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
FAMILIES = os.path.join(HERE, "..", "..", "src", "test", "resources", "chat-templates", "families")


def environment(today):
    def raise_exception(message):
        raise TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                          sort_keys=sort_keys)

    def strftime_now(fmt):
        return today.strftime(fmt)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=["jinja2.ext.loopcontrols"])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def main():
    with open(os.path.join(FAMILIES, "families.json"), encoding="utf-8") as f:
        spec = json.load(f)
    today = datetime.datetime.fromisoformat(spec["strftime_now_date"] + "T12:00:00")
    env = environment(today)
    cases = []
    for family in spec["families"]:
        with open(os.path.join(FAMILIES, family["name"] + ".jinja"), encoding="utf-8",
                  newline="") as f:
            template = env.from_string(f.read())
        tokens = {k: family[k] for k in ("bos_token", "eos_token") if family.get(k) is not None}
        for conversation, messages in spec["conversations"].items():
            case = {"template": family["name"], "conversation": conversation}
            try:
                case["expected"] = template.render(messages=messages, tools=None, documents=None,
                                                   add_generation_prompt=True, **tokens)
            except TemplateError as e:
                case["expected_error"] = str(e)
            cases.append(case)
    out = {"generator": "python jinja2 " + jinja2.__version__
           + " via models/tools/render_templates.py", "cases": cases}
    with open(os.path.join(FAMILIES, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    errors = sum(1 for c in cases if "expected_error" in c)
    print(f"{len(cases)} cases ({errors} rejected by their template)", file=sys.stderr)


if __name__ == "__main__":
    main()
