package dev.trainingrun.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** What a Helm chart renders ({@code helm template}), as fabric8 objects to inspect or to apply. */
public final class HelmTemplate {
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    private HelmTemplate() {}

    /**
     * Renders the chart as release {@code release} in {@code namespace} with these values (YAML), and parses the
     * result; throws with helm's output when helm refuses.
     */
    public static List<HasMetadata> render(Path helm, Path chart, String release, String namespace,
            String valuesYaml) {
        return parse(Command.run(Duration.ofMinutes(3), null, Map.of(), List.of(helm.toString(), "template", release,
                chart.toString(), "--namespace", namespace, "-f", valuesFile(valuesYaml).toString()))
                .orThrow().output());
    }

    /** A values file in target/ with this YAML, for helm's {@code -f}. */
    public static Path valuesFile(String yaml) {
        try {
            Path file = Files.createTempFile(Files.createDirectories(Path.of("target", "values")), "values", ".yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The objects of a {@code helm template} output (a YAML stream), typed where fabric8 knows the kind. */
    public static List<HasMetadata> parse(String stream) {
        return Arrays.stream(stream.split("(?m)^---\\s*$"))
                .filter(document -> document.lines().anyMatch(line -> line.startsWith("kind:")))
                .map(document -> (HasMetadata) YAML.unmarshal(document))
                .toList();
    }
}
