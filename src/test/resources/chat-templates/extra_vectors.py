"""Generates extra-vectors.json: Python-isms that chat templates use, rendered by jinja2
configured the way Hugging Face transformers configures it (ImmutableSandboxedEnvironment,
trim_blocks, lstrip_blocks, loopcontrols, raise_exception global, tojson = json.dumps with
ensure_ascii=False). Run with jinja2 3.1.x next to qwen25.jinja and tulu3.jinja:
    python3 extra_vectors.py > extra-vectors.json
"""
import json
import sys

import jinja2
import jinja2.ext
import jinja2.nodes
from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment


def raise_exception(message):
    raise TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                      sort_keys=sort_keys)


class Generation(jinja2.ext.Extension):
    """transformers' AssistantTracker, reduced to what rendering needs: output the body."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                    extensions=[jinja2.ext.loopcontrols, Generation])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
# transformers also defines strftime_now; only its presence is rendered here (dates are pinned in
# models/tools/render_templates.py).
env.globals["strftime_now"] = lambda fmt: __import__("datetime").datetime.now().strftime(fmt)

MSGS = [
    {"role": "system", "content": "  Be brief.\n"},
    {"role": "user", "content": "Hi, wörld — “x” 🙂"},
    {"role": "assistant", "content": "Hello!", "tool_calls": [
        {"type": "function", "function": {"name": "get_weather",
                                          "arguments": {"city": "Zürich", "days": 3, "metric": True,
                                                        "ratio": 0.5, "big": 1e16, "small": 1e-05,
                                                        "whole": 2.0, "none": None,
                                                        "list": [1, "two", [], {}],
                                                        "esc": "q\"b\\s/\n\t\u0001\u007f"}}}]},
    {"role": "tool", "content": "{\"temp\": 21}"},
    {"role": "user", "content": ""},
]
TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather <now> & 'later'",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                         "required": ["city"]}}}]

TEMPLATES = {
    "py_literals": "{{ True }}|{{ False }}|{{ true }}|{{ false }}|{{ [None, none] }}",
    "numbers": "{{ 1 }}|{{ 1.5 }}|{{ 2.0 }}|{{ 10 / 4 }}|{{ 4 / 2 }}|{{ 10 // 4 }}|{{ 7 % 3 }}|{{ -3 }}|{{ 2 ** 10 }}",
    "print_collections": "{{ [1, 'a', True, None] }}|{{ {'k': 'v', 'n': 1} }}|{{ messages[1] }}",
    "tilde_concat": "{{ 'a' ~ 1 ~ 'b' ~ True ~ 2.5 ~ [1] }}|{{ messages | length ~ ' msgs' }}",
    "in_operator": "{{ 'ell' in 'hello' }}|{{ 'x' in ['x', 'y'] }}|{{ 'role' in messages[0] }}|{{ 'nope' not in messages[0] }}",
    "items_loop": "{% for k, v in messages[2].tool_calls[0].function.arguments.items() %}{% if v is not none %}{{ k }}={{ v }};{% endif %}{% endfor %}",
    "keys_values": "{{ messages[0].keys() | list }}|{{ messages[0].values() | list }}",
    "dict_get": "{{ messages[0].get('role') }}|{{ messages[0].get('missing', 'dflt') }}|{{ messages[0].get('missing') is none }}",
    "str_methods": "{% set s = messages[0].content %}[{{ s.strip() }}][{{ s.lstrip() }}][{{ s.rstrip() }}][{{ 'xxaxx'.strip('x') }}]",
    "str_case": "{{ 'hELLo wORLD it\\'s'.lower() }}|{{ 'straße'.upper() }}|{{ 'hello world it\\'s 3rd'.title() }}|{{ 'hELLO'.capitalize() }}",
    "str_tests": "{{ 'hello'.startswith('he') }}|{{ 'hello'.endswith('lo') }}|{{ 'hello'.startswith(('x', 'h')) }}|{{ 'hello'.find('l') }}|{{ 'hello'.count('l') }}",
    "str_split": "{{ ' a  b c '.split() }}|{{ 'a,b,,c'.split(',') }}|{{ 'a b c'.split(' ', 1) }}|{{ 'a-b'.replace('-', '+') }}|{{ '-'.join(['x', 'y']) }}",
    "filters_text": "[{{ messages[0].content | trim }}]|{{ 'abc' | upper }}|{{ 'ABC' | lower }}|{{ 'hello world' | title }}|{{ 'hELLO' | capitalize }}|{{ 'a b' | replace(' ', '_') }}",
    "filters_length": "{{ messages | length }}|{{ 'héllo' | length }}|{{ messages[0] | length }}|{{ messages | count }}",
    "filters_list": "{{ messages | map(attribute='role') | join(', ') }}|{{ (messages | selectattr('role', 'equalto', 'user') | list) | length }}|{{ (messages | first).role }}|{{ (messages | last).role }}|{{ messages | rejectattr('role', 'equalto', 'user') | map(attribute='role') | list }}",
    "tojson_basic": "{{ messages[2].tool_calls[0].function.arguments | tojson }}",
    "tojson_tools": "{% for tool in tools %}{{ tool | tojson }}\n{% endfor %}",
    "tojson_string": "{{ messages[1].content | tojson }}|{{ 'a\"b' | tojson }}",
    "tojson_indent": "{{ tools | tojson(indent=2) }}",
    "tojson_scalars": "{{ 1 | tojson }}|{{ 1.5 | tojson }}|{{ True | tojson }}|{{ None | tojson }}|{{ [] | tojson }}|{{ {} | tojson }}",
    "slicing": "{{ messages[-1].role }}|{{ messages[1:] | length }}|{{ messages[:-1] | length }}|{{ 'abcdef'[1:3] }}|{{ 'abc'[-1] }}",
    "loop_vars": "{% for m in messages %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.length }}/{{ loop.revindex }}/{{ loop.first }}/{{ loop.last }};{% endfor %}",
    "loop_filter": "{% for m in messages if m.role != 'system' %}{{ loop.index }}:{{ m.role }};{% endfor %}",
    "loop_break": "{% for m in messages %}{% if m.role == 'tool' %}{% break %}{% endif %}{% if m.role == 'user' %}{% continue %}{% endif %}{{ m.role }};{% endfor %}",
    "set_scoping": "{% set c = 0 %}{% for m in messages %}{% set c = c + 1 %}{% endfor %}{{ c }}",
    "namespace": "{% set ns = namespace(found=false, n=0) %}{% for m in messages %}{% if m.role == 'tool' %}{% set ns.found = true %}{% endif %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.found }}/{{ ns.n }}",
    "tests": "{{ messages is defined }}|{{ nothing is defined }}|{{ nothing is undefined }}|{{ messages[0].content is string }}|{{ messages is iterable }}|{{ messages[0] is mapping }}|{{ 3 is number }}|{{ none is none }}|{{ messages[0].x is defined }}",
    "undefined_attr": "[{{ messages[0].nope }}][{{ nothing }}][{{ messages[0].nope | default('d') }}][{{ '' | default('e', true) }}]",
    "ternary": "{% set c = messages[0].content if messages[0].content is string else '' %}[{{ c }}]{{ 'y' if messages else 'n' }}",
    "precedence": "{{ 1 + 2 * 3 }}|{{ not 1 == 2 }}|{{ true or false and false }}|{{ (1 + 2) * 3 }}|{{ 'a' ~ 2 * 3 }}|{{ 2 * 3 ~ 'x' }}|{{ 1 - 1 - 1 }}|{{ 2 ** 3 ** 2 }}",
    "truthiness": "{% for x in [[], {}, 0, '', none, 'a', [0], 0.0, 1] %}{{ 'T' if x else 'F' }}{% endfor %}",
    "string_escapes": "{{ 'a\\nb' }}|{{ \"q\\\"q\" }}|{{ 'back\\\\slash' }}|{{ 'tab\\tx' }}|{{ 'it\\'s' }}",
    "macro": "{% macro fmt(m, prefix='>') %}{{ prefix }}{{ m.role }}: {{ m.content }}{% endmacro %}{% for m in messages %}{{ fmt(m) }}\n{% endfor %}{{ fmt(messages[0], prefix='#') }}",
    "whitespace_control": "A  {%- if true -%}  B  {%- endif -%}  C\n  {{- ' D ' -}}  \nE {#- note -#} F\n{# c #}\nG",
    "lstrip_trim": "<\n    {% if true %}\n    yes\n    {% endif %}\n    {{ 'expr' }}\n    {# comment #}\n>\n",
    "lstrip_plus": "<\n    {%+ if true %}x{% endif %}\n    {% if true +%}\ny{% endif %}\n>",
        "range_sum": "{% for i in range(3) %}{{ i }}{% endfor %}|{{ range(1, 4) | list }}|{{ [1, 2, 3] | sum }}|{{ [3, 1, 2] | sort | join }}|{{ [1, 2] | reverse | list }}",
    "string_filter": "{{ 1 | string + 'a' }}|{{ 1.0 | string }}|{{ True | string }}|{{ '5' | int + 1 }}|{{ '2.5' | float }}",
    "content_list": "{% for m in messages2 %}{% if m.content is string %}{{ m.content }}{% else %}{% for p in m.content %}[{{ p.type }}:{{ p.text }}]{% endfor %}{% endif %}{% endfor %}",
    "raise_in_macro": "{% macro check(m) %}{% if m.role not in ['user', 'assistant', 'system', 'tool'] %}{{ raise_exception('Unexpected role: ' + m.role) }}{% endif %}{% endfor %}{% endmacro %}",
    "raise_concat": "{% for m in messages %}{% if m.role == 'tool' %}{{ raise_exception('Bad role ' ~ m.role ~ ' at ' ~ loop.index0) }}{% endif %}{% endfor %}",
    "raise_in_set": "{% if messages | length > 2 %}{% set x = raise_exception('Too many: ' + messages | length | string) %}{% endif %}ok",
    "none_content": "{% for m in messages3 %}{{ m.content is none }}{% if m.content %}T{% endif %}{% if m.content is not none %}[{{ m.content }}]{% endif %};{% endfor %}",
    "tools_none": "{{ tools is none }}|{{ tools is not none }}|{% if tools %}T{% else %}F{% endif %}",
    "comparison": "{{ 1 < 2 and 2 < 3 }}|{{ 'a' < 'b' }}|{{ messages[0].role == 'system' and messages | length > 1 }}|{{ 1 != 1.0 }}|{{ 1 == 1.0 }}",
    "dict_literal_order": "{% for k in {'b': 1, 'a': 2, 'c': 3} %}{{ k }}{% endfor %}|{{ {'b': 1, 'a': 2} | tojson }}",
    "nested_index": "{{ messages[2]['tool_calls'][0]['function']['name'] }}|{{ messages[2].tool_calls[0].function.arguments.city }}",
    "braces": "{{ '{' }}{{ '}' }}{{ '{{' }}|{% raw %}{{ not rendered }}{% endraw %}",
    "int_float_ops": "{{ 3 + 0.5 }}|{{ 0.1 + 0.2 }}|{{ 1e20 }}|{{ 1 / 3 }}|{{ 2 ** 0.5 }}",
    "unicode_methods": "{{ 'ÉCOLE'.lower() }}|{{ 'éa'.upper() }}|{{ '日本' | length }}|{{ '🙂x' | length }}|{{ '🙂x'[1] }}",
}
TEMPLATES["raise_in_macro"] = "{% macro check(m) %}{% if m.role not in ['user', 'assistant', 'system'] %}{{ raise_exception('Unexpected role: ' + m.role) }}{% endif %}{% endmacro %}{% for m in messages %}{{ check(m) }}{{ m.role }};{% endfor %}"

with open(sys.argv[1] if len(sys.argv) > 1 else "qwen25.jinja", encoding="utf-8") as f:
    QWEN = f.read()
with open(sys.argv[2] if len(sys.argv) > 2 else "tulu3.jinja", encoding="utf-8") as f:
    TULU = f.read()

TEMPLATES.update({
    # Whitespace control as jinja2's lexer applies it (trim_blocks + lstrip_blocks).
    "ws_midline_block": "[INST] {% for m in messages %}{{ m.role }} {% endfor %}[/INST]|Hello {% if true %}x{% endif %}|E {# c #} F",
    "ws_indented_blocks": "<\n  {% for m in messages %}\n    {{ m.role }}\n  {% endfor %}\n>",
    "ws_markers": "a  \n  {%- if true -%}  \n  b  \n  {%- endif -%}\n  c {{- ' d ' -}} e\n{#- x -#}\nf",
    "ws_plus": "<\n    {%+ if true %}x{% endif %}\n    {% if true +%}\ny{% endif %}\n>",
    "ws_comment_lines": "a\n{# one #}\n  {# two #}\nb {# three #}\nc",
    "ws_trailing_newline": "line\n{% if true %}\nx\n{% endif %}\n\n",
    "ws_crlf": "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\nc\r\n",
    "ws_brace_before_tag": "{ {%- if true %}x{% endif %} {{ '{' }}{ {{- 'y' }}",
    "ws_raw": "{% raw %}{{ not rendered }} {% if %}{% endraw %}|  {% raw -%}  kept {{ x }}  {%- endraw %}|",
    "ws_expression_no_trim": "a\n{{ 'x' }}\nb\n    {{ 'y' }}\nc",
    # Python semantics Jinjava lacks out of the box.
    "truthy_false_string": "{% for s in ['false', 'False', 'FALSE', '0', ' '] %}{% if s %}T{% else %}F{% endif %}{{ 'T' if s else 'F' }}{{ (not s) | string }};{% endfor %}",
    "not_precedence": "{{ not 1 == 2 }}|{{ not messages[0].content is string }}|{{ not 'x' in 'abc' }}|{{ not messages[0].nope is defined }}|{{ not true and false }}",
    "user_text_not_template": "{% for m in messages4 %}{{ m.content }}|{{ m.content | trim }}|{{ '<' + m.content + '>' }}{% endfor %}",
    "for_else": "{% for m in messages %}{{ m.role }};{% else %}none{% endfor %}|{% for m in [] %}x{% else %}empty{% endfor %}|{% for m in messages if m.role == 'nobody' %}x{% else %}filtered-empty{% endfor %}",
    "loop_filter_vars": "{% for m in messages if m.role == 'user' %}{{ loop.index }}/{{ loop.length }}/{{ loop.first }}/{{ loop.last }}:{{ m.content | length }};{% endfor %}",
    "loop_filter_items": "{% for k, v in messages[2].tool_calls[0].function.arguments.items() if v is string %}{{ k }};{% endfor %}",
    "python_whitespace": "[{{ messages4[1].content.strip() }}][{{ messages4[1].content | trim }}][{{ messages4[1].content.split() | length }}][{{ messages4[1].content.split(none, 1) }}]",
    "string_index": "{{ 'abc'[0] }}{{ 'abc'[-1] }}{{ '🙂x'[1] }}[{{ 'abc'[7] }}]",
    "sum_filter": "{{ [1, 2, 3] | sum }}|{{ [1, 2.5] | sum }}|{{ [] | sum }}",
    "filters_jinja_text": "{{ \"it's a tool-call (x) [y] <z> {w}\" | title }}|{{ 'ǆemal' | capitalize }}|{{ 'straße' | upper }}|{{ True | upper }}|{{ [True, 1.5, 'a', 2] | join(',') }}|{{ messages | join('/', attribute='role') }}",
    "filters_default": "[{{ nothing | default('d') }}][{{ '' | default('d') }}][{{ '' | default('d', true) }}][{{ 'false' | default('d', true) }}][{{ nothing | default(false) is false }}][{% if nothing | default(false) %}T{% else %}F{% endif %}][{{ nothing | d(0) + 1 }}][{{ 0 | default(5) }}][{{ [] | default([1], boolean=true) | length }}]",
    "set_block": "{% set x %}{{ messages | length }} msgs{% endset %}[{{ x }}]",
    "generation_tag": "{% for m in messages %}{% if m.role == 'assistant' %}{% generation %}{{ m.content }}{% endgeneration %}{% endif %}{% endfor %}",
    "qwen25_tools": QWEN,
    "qwen25_tools_no_system": QWEN,
    "qwen25_string_arguments": QWEN,
    "tulu3_system": TULU,
    # Issue 15: gaps found rendering real templates (Qwen3, Llama 3.1, Granite).
    "step_slice": "{{ messages[::2] | length }}",
    "slices": "{{ (messages[::-1] | first).role }}|{{ 'abcdef'[1:5:2] }}|{{ 'abcdef'[::-1] }}|{{ messages[-2:] | length }}|{{ [1, 2, 3, 4, 5][-1:0:-2] | join(',') }}|{{ 'h\u00e9llo'[-3:] }}|{{ 'abc'[5:] }}|{{ [1, 2, 3][:-1] | join(',') }}|{{ 'a:b'.split(':')[1:] | join }}",
    "kwarg_expressions": "{% set ns = namespace(i=messages|length - 1, j=2 * 3 + 1, s='a' ~ 'b', t=messages|length > 1 and 'yes' or 'no') %}{{ ns.i }} {{ ns.j }} {{ ns.s }} {{ ns.t }}",
    "items_filter": "{% for k, v in {'b': 1, 'a': 2} | items %}{{ k }}={{ v }};{% endfor %}[{% for k, v in nothing | items %}x{% endfor %}]",
    "dict_function": "{% set d = dict(a=1, b='x' ~ 'y') %}{{ d.a }}{{ d['b'] }}{{ d | length }}{% for k in d %}{{ k }}{% endfor %}",
    "defined_none": "[{{ tools is defined }}][{{ tools is none }}][{{ documents is defined }}][{{ nothing is defined }}][{{ nothing is undefined }}][{{ strftime_now is defined }}][{{ raise_exception is defined }}]",
})

# Jinjava cannot express these. The renderer must fail loudly instead of printing a different
# string; expected values are still recorded for reference.
UNSUPPORTED = {
    "unicode_escape_literal": "{{ '\\u00e9' }}",
    "string_repeat": "{{ '=' * 3 }}",
    "chained_comparison": "{{ 1 < 2 < 3 }}",
    "big_int_literal": "{{ 100000000000000000000 }}",
}

# Templates jinja2 itself rejects (python_error): the renderer must fail too.
TEMPLATES.update({
    "error_str_plus_none": "{{ 'a' + messages3[0].content }}",
    "error_str_plus_int": "{{ 'a' + 1 }}",
    "error_unknown_filter": "{{ 'a' | no_such_filter }}",
    "error_unknown_test": "{{ 'a' is no_such_test }}",
    "error_stray_endif": "a{% endif %}",
    "error_unclosed_if": "{% if true %}a",
    "error_unknown_function": "{{ no_such_function() }}",
    "error_unclosed_comment": "a {# b",
})

CONTEXT = {
    "messages": MSGS,
    "messages2": [{"role": "user", "content": [{"type": "text", "text": "part1"}, {"type": "text", "text": "part2"}]},
                  {"role": "user", "content": "plain"}],
    "messages3": [{"role": "assistant", "content": None}, {"role": "user", "content": "x"}],
    "messages4": [{"role": "user", "content": "{{ 7 * 7 }} {% if true %}x{% endif %} {# c #}"},
                  {"role": "user", "content": "\u00a0 a \u2003 b\u202f c \u00a0"}],
    "tools": TOOLS,
    "add_generation_prompt": True,
    "bos_token": "<s>",
    "eos_token": "</s>",
}

TOOL_CHAT = [
    {"role": "system", "content": "You are terse."},
    {"role": "user", "content": "Weather in Zürich?"},
    {"role": "assistant", "content": "", "tool_calls": [
        {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Zürich", "days": 2}}},
        {"type": "function", "function": {"name": "get_time", "arguments": {"tz": "Europe/Zurich"}}}]},
    {"role": "tool", "content": "{\"temp\": 21.5}"},
    {"role": "tool", "content": "12:00"},
    {"role": "assistant", "content": "21.5 °C at noon."},
    {"role": "user", "content": "Thanks"},
]
OVERRIDES = {
    "tools_none": {"tools": None},
    "defined_none": {"tools": None, "documents": None},
    "qwen25_tools": {"messages": TOOL_CHAT},
    "qwen25_tools_no_system": {"messages": TOOL_CHAT[1:]},
    "qwen25_string_arguments": {"messages": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "Calling.", "tool_calls": [
            {"function": {"name": "f", "arguments": "{\"a\": 1}"}}]}],
        "tools": None},
    "tulu3_system": {"messages": TOOL_CHAT[:2] + [{"role": "assistant", "content": "Sunny."},
                                                    {"role": "user", "content": "ok"}],
                     "eos_token": "<|endoftext|>"},
}


def render_case(name, source, unsupported=None):
    context = dict(CONTEXT)
    context.update(OVERRIDES.get(name, {}))
    case = {"name": name, "template": source}
    if name in OVERRIDES:
        case["context_overrides"] = OVERRIDES[name]
    if unsupported:
        case["unsupported"] = unsupported
    try:
        case["expected"] = env.from_string(source).render(**context)
    except TemplateError as e:
        if "raise" in name:
            case["expected_error"] = str(e)
        else:
            case["python_error"] = type(e).__name__ + ": " + str(e)
    except Exception as e:
        case["python_error"] = type(e).__name__ + ": " + str(e)
    return case


cases = [render_case(n, s) for n, s in TEMPLATES.items()]
cases += [render_case(n, s, "not expressible in Jinjava") for n, s in UNSUPPORTED.items()]
for c in cases:
    if c["name"].startswith("error_"):
        assert "python_error" in c, c["name"]

json.dump({"generator": "python jinja2 " + jinja2.__version__ + ", HF-style ImmutableSandboxedEnvironment",
           "about": "Each case renders base_context updated with its context_overrides. Cases with"
                    " python_error fail in jinja2 too; cases marked unsupported use syntax Jinjava"
                    " cannot parse: the renderer must raise for both, never print a string.",
           "base_context": CONTEXT,
           "cases": cases}, sys.stdout, ensure_ascii=False, indent=1)
