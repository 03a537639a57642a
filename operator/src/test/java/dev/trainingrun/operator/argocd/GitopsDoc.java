package dev.trainingrun.operator.argocd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** docs/gitops.md, whose YAML blocks are what users copy and what the Argo CD tests run. */
final class GitopsDoc {
    static final Path PATH = Path.of("..", "docs", "gitops.md");

    private GitopsDoc() {}

    /** Every YAML block of the doc that contains {@code text}, as a user copies it. */
    static List<String> yamlBlocksContaining(String text) {
        try {
            Matcher blocks = Pattern.compile("(?ms)^```yaml\\n(.*?)^```$").matcher(Files.readString(PATH));
            List<String> found = new ArrayList<>();
            while (blocks.find()) {
                if (blocks.group(1).contains(text)) {
                    found.add(blocks.group(1));
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one YAML block that contains {@code text}; fails, naming {@code what}, when the doc has none or several. */
    static String yamlBlockContaining(String text, String what) {
        List<String> blocks = yamlBlocksContaining(text);
        if (blocks.size() != 1) {
            throw new AssertionError(PATH + " has " + blocks.size() + " " + what + "; expected one");
        }
        return blocks.get(0);
    }
}
