package dev.slhf.serve.model.template;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Python's {@code datetime.strftime} for the directives chat templates use, in the C locale
 * (transformers' {@code strftime_now} calls {@code datetime.now().strftime(fmt)}). An unknown
 * directive is an error rather than a guess, so a template never prints a wrong date silently.
 */
final class PyStrftime {

    private PyStrftime() {}

    static String format(ZonedDateTime t, String fmt) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 == fmt.length()) {
                out.append(c);
                continue;
            }
            char d = fmt.charAt(++i);
            switch (d) {
                case 'd' -> out.append(two(t.getDayOfMonth()));
                case 'e' -> out.append(String.format("%2d", t.getDayOfMonth()));
                case 'm' -> out.append(two(t.getMonthValue()));
                case 'Y' -> out.append(t.getYear());
                case 'y' -> out.append(two(t.getYear() % 100));
                case 'b', 'h' -> out.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> out.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'a' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'H' -> out.append(two(t.getHour()));
                case 'I' -> out.append(two((t.getHour() + 11) % 12 + 1));
                case 'p' -> out.append(t.getHour() < 12 ? "AM" : "PM");
                case 'M' -> out.append(two(t.getMinute()));
                case 'S' -> out.append(two(t.getSecond()));
                case 'j' -> out.append(String.format("%03d", t.getDayOfYear()));
                case 'w' -> out.append(t.getDayOfWeek().getValue() % 7);
                case 'u' -> out.append(t.getDayOfWeek().getValue());
                case 'F' -> out.append(t.getYear()).append('-').append(two(t.getMonthValue()))
                        .append('-').append(two(t.getDayOfMonth()));
                case 'T' -> out.append(two(t.getHour())).append(':').append(two(t.getMinute()))
                        .append(':').append(two(t.getSecond()));
                case '%' -> out.append('%');
                default -> throw new TemplateRenderException(
                        "strftime_now: unsupported directive '%" + d + "' in '" + fmt + "'");
            }
        }
        return out.toString();
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }
}
