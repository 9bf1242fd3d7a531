# Small built-in training corpus for the test tokenizer, plus the prompt texts
# used for the golden reference. Pure data; no dependencies.

CORPUS = [
    "The quick brown fox jumps over the lazy dog.",
    "A small language model is served over HTTP with an OpenAI compatible API.",
    "The server streams tokens to the client as soon as they are generated.",
    "Each request has a prompt, a maximum number of tokens, and a temperature.",
    "When the temperature is zero, the model always picks the most likely token.",
    "This is the first sentence. This is the second sentence. This is the third one.",
    "She said that the weather would be better tomorrow, but it rained all day.",
    "We have 3 cats, 2 dogs and 1 parrot; together they eat 15 kilograms of food per week.",
    "In 1969, 3 astronauts flew to the Moon; the trip took about 76 hours.",
    "The numbers 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 are small.",
    "Prices: $4.99, $12.50, $100, and 25% off; call 555-0123 before 9:30 pm.",
    "It's a test. Isn't it? We'll see. I'm sure they're right, and you've been told what I'd do.",
    "Hello, world! Hello again, world. Goodbye, world...",
    "What is the capital of France? The capital of France is Paris.",
    "What is the capital of Japan? The capital of Japan is Tokyo.",
    "Please answer the question in one short sentence.",
    "You are a helpful assistant. Answer the user's question.",
    "The user asked a question and the assistant gave an answer.",
    "Batching many requests together makes the accelerator much more efficient.",
    "The cache stores the keys and values of every layer for all previous tokens.",
    "Left padding keeps the last token of every sequence in the same column.",
    "Attention masks tell the model which positions are real and which are padding.",
    "A rotary position embedding rotates the query and key vectors by an angle.",
    "Once upon a time there was a little robot who wanted to learn how to write stories.",
    "Every morning the robot read a book, and every evening it wrote a new story.",
    "The story was about a river, a mountain, a forest and a village near the sea.",
    "People in the village liked the stories and asked the robot to write more of them.",
    "Water boils at 100 degrees Celsius and freezes at 0 degrees at sea level.",
    "The year 2024 had 366 days, and the year 2023 had 365 days.",
    "Count with me: one, two, three, four, five, six, seven, eight, nine, ten.",
    "Mathematics: 2 + 2 = 4, 3 * 7 = 21, 10 / 4 = 2.5, and 2^10 = 1024.",
    "Symbols like (parentheses), [brackets], {braces}, <angles>, \"quotes\" and 'apostrophes' matter.",
    "Lists:\n- apples\n- oranges\n- bananas\n",
    "Code: def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n",
    "    Indented line with four spaces.\n\tTabbed line.\n\n\nThree newlines above.",
    "The café on the corner serves coffee and croissants. Café au lait, s'il vous plaît.",
    "A naïve approach is often good enough; naïve algorithms are simple to test.",
    "The café was naïve about its résumé. Crème brûlée, déjà vu, façade, jalapeño, über.",
    "São Paulo, Zürich, Kraków, Málaga and Genève are cities with accents in their names.",
    "日本語 is Japanese. 日本語のテキストを書きます。日本語 and 中文 are written with CJK characters.",
    "東京 is the capital of 日本. 日本語 is spoken in 日本.",
    "emoji 🙂 are fun. I like emoji 🙂 and emoji 👍 and 🎉 for a party.",
    "Русский текст и Ελληνικά γράμματα are also letters.",
    "The weather today is sunny with a high of 23 degrees and a low of 14 degrees.",
    "Machine learning models learn patterns from data and then make predictions.",
    "The model generated the answer token by token until it reached the end.",
    "Streaming responses are sent as server sent events, one chunk per token.",
    "The engineers wrote tests to check that the output matched the reference exactly.",
    "Greedy decoding picks the token with the highest score at every step.",
    "The history of the city goes back more than 2000 years, to the time of the Romans.",
    "In the morning, the market is full of fruit, vegetables, bread, cheese and flowers.",
    "The train leaves at 7:45 and arrives at 10:20, after stopping at 4 stations.",
    "Would you like tea or coffee? I would like tea, please, with milk and no sugar.",
    "The children played in the garden while their parents were cooking dinner.",
    "Reading books is a good way to learn new words and to understand other people.",
    "The library opens at 9 and closes at 5, except on Sundays when it is closed.",
]

# Text with a bit of everything, weighted so that multi-byte characters get merged.
WEIGHTED = [
    ("café naïve 日本語 emoji 🙂", 6),
    ("The café is naïve. 日本語 🙂 emoji.", 4),
    ("the and of to in is that for it with as was on", 3),
]


def training_texts():
    texts = list(CORPUS)
    for t, n in WEIGHTED:
        texts.extend([t] * n)
    return texts


# A long, deterministic English paragraph used to build the long prompt.
LONG_SENTENCES = [
    "The robot walked to the village and looked at the river.",
    "It counted the boats: there were 12 red boats and 7 blue boats.",
    "A child asked the robot why the sky was blue, and the robot thought for a while.",
    "Then it said that light from the sun is scattered by the air.",
    "The child laughed and ran to tell the other children what the robot had said.",
    "In the evening the robot wrote a story about the river, the boats and the child.",
    "The next morning, 25 people came to hear the story in the square near the café.",
    "They liked it so much that they asked for another one, and then another.",
    "The robot wrote 3 more stories that week, each one longer than the one before.",
    "One of them was about a mountain where the snow never melted, not even in summer.",
    "Another was about a forest where the trees could talk to each other at night.",
    "The last one was about the sea, and about a ship that sailed to 日本 and back.",
]
