package dev.trainingrun.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Compares YAML/JSON documents as trees and names the paths where they differ. */
final class JsonTrees {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private JsonTrees() {}

    static JsonNode parse(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode toTree(Object value) {
        return YAML.valueToTree(value);
    }

    /** Paths where the two trees differ, each with both values. */
    static List<String> differences(JsonNode expected, JsonNode actual) {
        List<String> out = new ArrayList<>();
        compare(expected, actual, "", false, out);
        return out;
    }

    /** Paths of {@code subset} that {@code superset} lacks or holds with another value. */
    static List<String> notContained(JsonNode subset, JsonNode superset) {
        List<String> out = new ArrayList<>();
        compare(subset, superset, "", true, out);
        return out;
    }

    private static void compare(JsonNode expected, JsonNode actual, String path, boolean allowExtra,
            List<String> out) {
        if (expected != null && actual != null && expected.isNumber() && actual.isNumber()) {
            // 1, 1L and 1.0 are the same number in YAML, whatever Java type read them.
            if (expected.decimalValue().compareTo(actual.decimalValue()) != 0) {
                out.add(path + ": expected " + expected + " but found " + actual);
            }
            return;
        }
        if (expected == null || actual == null || expected.getNodeType() != actual.getNodeType()) {
            out.add(path + ": expected " + expected + " but found " + actual);
            return;
        }
        if (expected.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                compare(field.getValue(), actual.get(field.getKey()), path + "." + field.getKey(), allowExtra, out);
            }
            if (!allowExtra) {
                actual.fieldNames().forEachRemaining(name -> {
                    if (!expected.has(name)) {
                        out.add(path + "." + name + ": not expected but found " + actual.get(name));
                    }
                });
            }
        } else if (expected.isArray()) {
            if (expected.size() != actual.size()) {
                out.add(path + ": expected " + expected.size() + " items but found " + actual.size());
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                compare(expected.get(i), actual.get(i), path + "[" + i + "]", allowExtra, out);
            }
        } else if (!expected.equals(actual)) {
            out.add(path + ": expected " + expected + " but found " + actual);
        }
    }
}
