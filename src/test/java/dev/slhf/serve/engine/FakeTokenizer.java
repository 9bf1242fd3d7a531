package dev.slhf.serve.engine;

import dev.slhf.serve.model.Tokenizer;
import java.util.OptionalInt;

/** Token i decodes to {@code pieces[i]}; the last id is a special (eos) token that decodes to nothing. */
final class FakeTokenizer implements Tokenizer {

    private final String[] pieces;

    FakeTokenizer(String... pieces) {
        this.pieces = pieces;
    }

    int eos() {
        return pieces.length - 1;
    }

    @Override
    public int[] encode(String text) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String decode(int[] ids, int from, int to, boolean skipSpecialTokens) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (!(skipSpecialTokens && ids[i] == eos())) {
                sb.append(pieces[ids[i]]);
            }
        }
        return sb.toString();
    }

    @Override
    public OptionalInt specialTokenId(String content) {
        return OptionalInt.empty();
    }

    @Override
    public boolean isSpecial(int id) {
        return id == eos();
    }

    @Override
    public void close() {}
}
