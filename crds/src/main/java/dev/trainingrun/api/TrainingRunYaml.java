package dev.trainingrun.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads and writes TrainingRun manifests outside the API server (the trainer's command line, tests). A manifest is read
 * as the API server would take it on create ({@link TrainingRunValidator}): an unknown or mistyped field, a value out
 * of bounds or a broken rule is an error that names the field, as {@code kubectl apply} would report it, and what is
 * left out gets the schema's defaults.
 */
public final class TrainingRunYaml {
    /** A key given twice in one mapping is an error, as kubectl's YAML reader and the API server's JSON have it. */
    private static final ObjectMapper MAPPER = new ObjectMapper(
                    new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private TrainingRunYaml() {}

    /**
     * Parses one TrainingRun manifest and checks it as the API server would on create; {@code source} names it in
     * error messages.
     *
     * @throws InvalidManifestException listing every problem, each naming its field
     */
    public static TrainingRun read(String yaml, String source) {
        List<JsonNode> documents;
        // Read from a parser of our own: given the text, Jackson would take a top-level sequence for its items.
        try (JsonParser parser = MAPPER.createParser(yaml);
                MappingIterator<JsonNode> all = MAPPER.readerFor(JsonNode.class).readValues(parser)) {
            // An empty document (a trailing "---") is nothing, as kubectl has it.
            documents = all.readAll().stream()
                    .filter(document -> document != null && !document.isMissingNode() && !document.isNull())
                    .toList();
        } catch (IOException e) {
            throw new InvalidManifestException(source + ": " + where(e) + "not valid YAML: " + originalMessage(e));
        }
        if (documents.isEmpty()) {
            throw new InvalidManifestException(source + ": expected a TrainingRun manifest, found an empty file");
        }
        if (documents.size() > 1) {
            // kubectl would apply them all; the trainer trains one run, and silently taking one would be a guess.
            throw new InvalidManifestException(source + ": holds " + documents.size() + " YAML documents ("
                    + documents.stream().map(TrainingRunYaml::kindOf).collect(Collectors.joining(", "))
                    + "); the trainer reads a file with one TrainingRun");
        }
        JsonNode tree = documents.get(0);
        if (!tree.isObject()) {
            throw new InvalidManifestException(source + ": expected a TrainingRun manifest, found a YAML "
                    + tree.getNodeType().name().toLowerCase(Locale.ROOT) + ": " + tree);
        }
        String expectedApiVersion = TrainingRun.GROUP + "/" + TrainingRun.VERSION;
        String kind = tree.path("kind").asText(null);
        String apiVersion = tree.path("apiVersion").asText(null);
        if (!"TrainingRun".equals(kind) || !expectedApiVersion.equals(apiVersion)) {
            throw new InvalidManifestException(source + ": expected kind TrainingRun of apiVersion "
                    + expectedApiVersion + ", found " + kindOf(tree));
        }
        TrainingRunValidator.Verdict verdict = TrainingRunValidator.bundled().validateCreate(tree);
        if (!verdict.valid()) {
            throw new InvalidManifestException(verdict.problems().stream().map(problem -> source + ": " + problem)
                    .toList());
        }
        try {
            return MAPPER.treeToValue(verdict.object(), TrainingRun.class);
        } catch (JsonMappingException e) {
            throw new InvalidManifestException(source + ": " + fieldPath(e) + ": " + problem(e));
        } catch (JsonProcessingException e) {
            throw new InvalidManifestException(source + ": " + e.getOriginalMessage());
        }
    }

    /**
     * Reads a manifest file.
     *
     * @throws InvalidManifestException also when the file is missing, a folder, not UTF-8 text or unreadable
     */
    public static TrainingRun read(Path file) {
        if (Files.isDirectory(file)) {
            throw new InvalidManifestException(file + ": is a folder, expected a manifest file");
        }
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidManifestException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new InvalidManifestException(file + ": not a text file (UTF-8), expected a YAML manifest");
        } catch (IOException e) {
            throw new InvalidManifestException(file + ": cannot read it: " + e.getMessage());
        }
        return read(yaml, file.toString());
    }

    /** "kind K of apiVersion", saying which of the two a document lacks. */
    private static String kindOf(JsonNode document) {
        String kind = document.path("kind").asText(null);
        String apiVersion = document.path("apiVersion").asText(null);
        return (kind == null ? "no kind" : "kind " + kind) + (apiVersion == null ? " and no apiVersion" : " of "
                + apiVersion);
    }

    /**
     * Where a parse error is, as "field: " (dotted, as users write it) when the parser was inside a field, and
     * "line N: " when it knows the line; empty when it knows neither.
     */
    private static String where(IOException e) {
        if (!(e instanceof JsonProcessingException json)) {
            return "";
        }
        String field = "";
        if (json.getProcessor() instanceof JsonParser parser) {
            for (JsonStreamContext at = parser.getParsingContext(); at != null && !at.inRoot(); at = at.getParent()) {
                String step = at.inArray() ? "[" + at.getCurrentIndex() + "]" : at.getCurrentName();
                field = step == null ? field : field.isEmpty() || field.startsWith("[") ? step + field
                        : step + "." + field;
            }
        }
        String line = json.getLocation() != null && json.getLocation().getLineNr() > 0
                ? "line " + json.getLocation().getLineNr() + ": " : "";
        return (field.isEmpty() ? "" : field + ": ") + line;
    }

    private static String originalMessage(IOException e) {
        return e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
    }

    /** Any YAML document as a JSON tree. */
    static JsonNode parse(InputStream yaml) throws IOException {
        return MAPPER.readTree(yaml);
    }

    /** A run as the JSON tree the API server would receive. */
    static JsonNode tree(TrainingRun run) {
        return MAPPER.valueToTree(run);
    }

    /** Serialises a run as YAML. */
    public static String write(TrainingRun run) {
        try {
            return MAPPER.writeValueAsString(run);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a TrainingRun always serialises", e);
        }
    }

    /** What is wrong with the field, in terms of the manifest rather than of Java classes. */
    private static String problem(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown field, expected one of " + unknown.getKnownPropertyIds();
        }
        if (e instanceof InvalidFormatException invalid && invalid.getTargetType().isEnum()) {
            return "\"" + invalid.getValue() + "\" is not one of "
                    + Arrays.toString(invalid.getTargetType().getEnumConstants());
        }
        if (e instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null) {
            return "expected " + describe(mismatched.getTargetType());
        }
        return e.getOriginalMessage();
    }

    private static String describe(Class<?> type) {
        if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "an object";
    }

    /** The field a mapping error is about, in the dotted form users write ({@code spec.training.epochs}). */
    private static String fieldPath(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining());
        return path.isEmpty() ? "(document)" : path.substring(1);
    }

    /** A manifest that cannot be a TrainingRun; each problem names the source and the field. */
    public static final class InvalidManifestException extends RuntimeException {
        private final List<String> problems;

        public InvalidManifestException(String problem) {
            this(List.of(problem));
        }

        public InvalidManifestException(List<String> problems) {
            super(String.join("\n", problems));
            this.problems = List.copyOf(problems);
        }

        /** One line per problem, e.g. {@code run.yaml: spec.training.epochs: Invalid value: 0: should be ...}. */
        public List<String> problems() {
            return problems;
        }
    }
}
