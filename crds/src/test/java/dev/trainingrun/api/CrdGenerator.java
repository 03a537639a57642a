package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.io.ByteArrayOutputStream;
import java.lang.annotation.Annotation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Generates the TrainingRun CRD from the Java types. The drift test compares its output with the committed
 * files; {@code ./mvnw -pl crds -am -Pupdate-crds process-test-classes} writes them.
 */
public final class CrdGenerator {
    static final String HEADER = "# Generated from the Java types in crds/src/main/java: do not edit.\n"
            + "# Regenerate with: ./mvnw -pl crds -am -Pupdate-crds process-test-classes\n";

    private CrdGenerator() {}

    /** Writes the CRD of {@link TrainingRun} to every path given. */
    public static void main(String[] paths) throws IOException {
        String crd = generate(TrainingRun.class);
        for (String path : paths) {
            Path file = Path.of(path);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, crd);
            System.out.println("wrote " + file);
        }
    }

    /** The CRD of a custom resource class as YAML, printer columns in the order the class declares them. */
    public static String generate(Class<? extends HasMetadata> resource) {
        ByteArrayOutputStream yaml = new ByteArrayOutputStream();
        new CRDGenerator()
                .customResourceClasses(resource)
                .forCRDVersions("v1")
                .withPostProcessor(new CRDPostProcessor() {
                    @Override
                    public HasMetadata process(HasMetadata crd, String specVersion) {
                        return describeAndOrderColumns((CustomResourceDefinition) crd, resource);
                    }
                })
                .withOutput(new CRDGenerator.AbstractCRDOutput<ByteArrayOutputStream>() {
                    @Override
                    protected ByteArrayOutputStream createStreamFor(String crdName) {
                        return yaml;
                    }
                })
                .generate();
        String generated = yaml.toString(StandardCharsets.UTF_8);
        // Replace the generator's own comment line with one that says how to regenerate.
        return HEADER + generated.substring(generated.indexOf('\n') + 1);
    }

    /**
     * Adds what the generator leaves out: the resource's own description (from {@link JsonClassDescription}) and
     * the declared order of printer columns, which the generator sorts by JSON path while kubectl shows them in
     * CRD order.
     */
    private static HasMetadata describeAndOrderColumns(CustomResourceDefinition crd, Class<?> resource) {
        JsonClassDescription[] description = nearest(resource, JsonClassDescription.class);
        List<String> declared = Arrays.stream(nearest(resource, AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name)
                .toList();
        for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
            if (description.length > 0) {
                version.getSchema().getOpenAPIV3Schema().setDescription(description[0].value());
            }
            version.getAdditionalPrinterColumns()
                    .sort(Comparator.comparingInt((CustomResourceColumnDefinition c) -> declared.indexOf(c.getName())));
        }
        return crd;
    }

    /** The annotations of the nearest class in the hierarchy that has any, as the CRD generator reads them. */
    private static <A extends Annotation> A[] nearest(Class<?> type, Class<A> annotation) {
        A[] found = type.getAnnotationsByType(annotation);
        Class<?> parent = type.getSuperclass();
        return found.length > 0 || parent == null ? found : nearest(parent, annotation);
    }
}
