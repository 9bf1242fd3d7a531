package dev.slhf.serve.model.template;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/** Python's {@code repr(float)}, which both {@code json.dumps} and {@code {{ x }}} print. */
final class PyFloat {

    private PyFloat() {}

    static String repr(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return (1 / value < 0) ? "-0.0" : "0.0";
        }
        // Python prints the shortest digit string that parses back to the same double. JDK 17's
        // Double.toString is not always shortest (fixed only in JDK 19), so search for it: %.Ne
        // rounds correctly, so the first precision that round-trips gives Python's digits.
        String sci = null;
        for (int precision = 0; precision < 17; precision++) {
            String candidate = String.format(Locale.ROOT, "%." + precision + "e", value);
            if (Double.parseDouble(candidate) == value) {
                sci = candidate;
                break;
            }
        }
        if (sci == null) {
            sci = String.format(Locale.ROOT, "%.16e", value);
        }
        return format(sci);
    }

    /** Lays out "d.ddde±x" the way Python's float_repr_style 'short' does. */
    private static String format(String sci) {
        boolean negative = sci.startsWith("-");
        String unsigned = negative ? sci.substring(1) : sci;
        int e = unsigned.indexOf('e');
        String digits = unsigned.substring(0, e).replace(".", "");
        digits = stripTrailingZeros(digits);
        int exponent = Integer.parseInt(unsigned.substring(e + 1));
        int decimalPoint = exponent + 1; // digits are d1 d2 ... × 10^(decimalPoint - count)
        String body;
        if (decimalPoint > 16 || decimalPoint < -3) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            String sign = exponent < 0 ? "-" : "+";
            String exp = String.valueOf(Math.abs(exponent));
            body = mantissa + "e" + sign + (exp.length() < 2 ? "0" + exp : exp);
        } else {
            body = new BigDecimal(new BigInteger(digits), digits.length() - decimalPoint)
                    .toPlainString();
            if (body.indexOf('.') < 0) {
                body = body + ".0";
            }
        }
        return negative ? "-" + body : body;
    }

    private static String stripTrailingZeros(String digits) {
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        return digits.substring(0, end);
    }
}
