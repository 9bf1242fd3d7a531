"""Task suite: natural-language chat prompts with a verifier per family.

Every family has a reference answer that is a whitespace-separated list of items
(numbers or words). The verifier is the same for every family (see models/eval/README.md):

    verify(candidate, answer) := candidate.split() == answer.split()

i.e. exact match of the whitespace-separated items (surrounding and repeated whitespace
ignored, everything else, including case and punctuation, significant).

Families are list transformations that a tiny transformer can learn token by token and
where a nearly-right draft (one item missing, two items swapped, ...) is easy to repair.
"""

import json
import random

WORDS = [
    "apple", "bird", "boat", "bread", "cake", "car", "cat", "cloud", "cup", "desk",
    "dog", "door", "duck", "egg", "fish", "flag", "frog", "goat", "hat", "horse",
    "key", "kite", "lamp", "leaf", "lion", "milk", "moon", "mouse", "nest", "pen",
    "pig", "rain", "ring", "rose", "sand", "ship", "shoe", "sky", "snow", "star",
    "sun", "tree", "wolf", "zebra",
]

# family -> list of prompt phrasings ({items} is the space-separated list)
TEMPLATES = {
    "sort_asc": [
        "Sort these numbers from smallest to largest: {items}",
        "Put these numbers in ascending order: {items}",
    ],
    "sort_desc": [
        "Sort these numbers from largest to smallest: {items}",
        "Put these numbers in descending order: {items}",
    ],
    "reverse_words": [
        "Reverse the order of these words: {items}",
        "Write these words in reverse order: {items}",
    ],
    "reverse_nums": [
        "Reverse the order of these numbers: {items}",
        "Write these numbers in reverse order: {items}",
    ],
    "sort_words": [
        "Sort these words alphabetically: {items}",
        "Put these words in alphabetical order: {items}",
    ],
    "evens": [
        "Keep only the even numbers from this list: {items}",
        "Which of these numbers are even? Keep their order: {items}",
    ],
}
FAMILIES = list(TEMPLATES)

# difficulty knobs (list lengths); numbers are two-digit (10..99)
# The copy-like families (reverse, evens) have long lists: one pass is error-prone for a tiny
# model (it loses its place), while with a draft in hand most items are right already and the
# fix is local (check each item against the prompt).
LENGTHS = {
    "sort_asc": (5, 9),
    "sort_desc": (5, 9),
    "reverse_words": (8, 14),
    "reverse_nums": (8, 14),
    "sort_words": (4, 8),
    "evens": (10, 16),
}


def normalize(s):
    return s.split()


def verify(candidate, answer):
    """The verifier of every family: same whitespace-separated items, in the same order."""
    return normalize(candidate) == normalize(answer)


def _nums(rng, n, distinct=True):
    if distinct:
        return rng.sample(range(10, 100), n)
    return [rng.randint(10, 99) for _ in range(n)]


def make_example(rng, family):
    lo, hi = LENGTHS[family]
    n = rng.randint(lo, hi)
    if family in ("sort_asc", "sort_desc"):
        xs = _nums(rng, n)
        ys = sorted(xs, reverse=(family == "sort_desc"))
        items, ans = [str(x) for x in xs], [str(y) for y in ys]
    elif family == "reverse_words":
        items = [rng.choice(WORDS) for _ in range(n)]
        ans = items[::-1]
    elif family == "sort_words":
        items = rng.sample(WORDS, n)
        ans = sorted(items)
    elif family == "reverse_nums":
        xs = _nums(rng, n, distinct=False)
        items = [str(x) for x in xs]
        ans = items[::-1]
    elif family == "evens":
        while True:
            xs = _nums(rng, n)
            ys = [x for x in xs if x % 2 == 0]
            if 0 < len(ys) < n:
                break
        items, ans = [str(x) for x in xs], [str(y) for y in ys]
    else:
        raise ValueError(family)
    tpl = rng.choice(TEMPLATES[family])
    return {"family": family, "prompt": tpl.format(items=" ".join(items)),
            "answer": " ".join(ans), "items": items}


HELDOUT_SEED = 20261127
HELDOUT_PER_FAMILY = 100


def make_heldout(seed=HELDOUT_SEED, per_family=HELDOUT_PER_FAMILY):
    rng = random.Random(seed)
    out, seen = [], set()
    for fam in FAMILIES:
        k = 0
        while k < per_family:
            ex = make_example(rng, fam)
            if ex["prompt"] in seen:
                continue
            seen.add(ex["prompt"])
            k += 1
            ex["id"] = f"{fam}-{k:03d}"
            out.append(ex)
    return out


def training_stream(seed, exclude):
    """Endless stream of training examples (families round-robin in random order),
    never yielding a prompt in `exclude` (the held-out prompts)."""
    rng = random.Random(seed)
    while True:
        fam = rng.choice(FAMILIES)
        ex = make_example(rng, fam)
        if ex["prompt"] in exclude:
            continue
        yield ex


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
