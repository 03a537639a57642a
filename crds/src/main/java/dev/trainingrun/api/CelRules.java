package dev.trainingrun.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompilerLibrary;
import dev.cel.extensions.CelExtensions;
import dev.cel.extensions.CelStringExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeLibrary;
import dev.trainingrun.api.FieldProblem.Type;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The schema's {@code x-kubernetes-validations} rules, compiled once with Google's CEL for Java and evaluated as the
 * API server evaluates them on create (apiextensions-apiserver {@code schema/cel}): at every node the object holds,
 * with {@code self} the node's value typed by its schema (a number is a double even when written as 1); rules that
 * use {@code oldSelf} are transition rules and wait for an update, unless {@code optionalOldSelf} asks to see
 * {@code oldSelf} as an empty optional on create.
 *
 * <p>The environment is Kubernetes' (k8s.io/apiserver {@code cel/environment}), not plain CEL's: the string functions
 * of cel-go's strings extension version 2 ({@code split}, {@code lowerAscii}, ... but not {@code reverse}), sets,
 * two-variable comprehensions, optional values, comparisons across int, uint and double, and list and map literals
 * of one type; not cel-go's lists extension ({@code sort}, {@code slice}, {@code flatten} ...), which Kubernetes
 * leaves out. A property whose name is not a CEL identifier is reached by its escaped name, as in Kubernetes
 * ({@code max-size} as {@code max__dash__size}, {@code namespace} as {@code __namespace__}). Kubernetes' own
 * libraries (its lists library's {@code isSorted}, {@code sum}, {@code indexOf} ..., quantity, url, ip, cidr, regex
 * {@code find}, semver, named formats) and the strings extension's {@code format} have no CEL for Java counterpart:
 * a rule that calls one fails to compile, and the validator with it.
 */
final class CelRules {
    private static final String SELF = "self";
    private static final String OLD_SELF = "oldSelf";
    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .enableHomogeneousLiterals(true)
            .enableOptionalSyntax(true)
            .build();
    /** Kubernetes enables cel-go's strings extension at version 2, which predates {@code reverse}. */
    private static final CelStringExtensions STRINGS = CelExtensions.strings(
            EnumSet.complementOf(EnumSet.of(CelStringExtensions.Function.REVERSE)));
    private static final List<CelCompilerLibrary> COMPILER_LIBRARIES = List.of(STRINGS, CelExtensions.optional(),
            CelExtensions.sets(OPTIONS), CelExtensions.comprehensions());
    private static final List<CelRuntimeLibrary> RUNTIME_LIBRARIES = List.of(STRINGS, CelExtensions.optional(),
            CelExtensions.sets(OPTIONS), CelExtensions.comprehensions());
    /** CEL's reserved words: a property so named is written {@code __name__} in a rule (apiserver cel.Escape). */
    private static final Set<String> RESERVED = Set.of("true", "false", "null", "in", "as", "break", "const",
            "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return",
            "var", "void", "while");
    private static final Pattern ESCAPABLE = Pattern.compile("[A-Za-z_./-][A-Za-z0-9_./-]*");

    /** One rule, ready to run on its node's values. */
    private record CompiledRule(
            StructuralSchema.Rule source, CelRuntime.Program program, CelRuntime.Program messageExpression,
            boolean transition) {

        /** What the problem says when the rule is false: its message, else the rule itself (ruleMessageOrDefault). */
        String message() {
            return source.message() != null && !source.message().isBlank() ? source.message().strip()
                    : "failed rule: " + source.rule().strip();
        }
    }

    private final Map<StructuralSchema, List<CompiledRule>> rules = new IdentityHashMap<>();
    /** One environment per type of self, and per kind of oldSelf: the first costs most of a second, others little. */
    private final Map<List<Object>, Cel> environments = new HashMap<>();

    /**
     * Compiles every rule beneath {@code root}.
     *
     * @throws IllegalArgumentException when a rule does not compile in Kubernetes' environment as CEL for Java has it
     */
    CelRules(StructuralSchema root) {
        compileAll(root);
    }

    private void compileAll(StructuralSchema schema) {
        if (!schema.rules.isEmpty()) {
            List<CompiledRule> compiled = new ArrayList<>();
            for (StructuralSchema.Rule rule : schema.rules) {
                compiled.add(compile(schema, rule));
            }
            rules.put(schema, compiled);
        }
        schema.properties.values().forEach(this::compileAll);
        if (schema.additionalProperties != null) {
            compileAll(schema.additionalProperties);
        }
        if (schema.items != null) {
            compileAll(schema.items);
        }
    }

    private CompiledRule compile(StructuralSchema schema, StructuralSchema.Rule rule) {
        CelType self = celType(schema);
        Cel env = environments.computeIfAbsent(List.of(self, rule.optionalOldSelf()),
                key -> environment(self, rule.optionalOldSelf()));
        try {
            CelAbstractSyntaxTree ast = env.compile(rule.rule()).getAst();
            boolean transition = ast.getReferenceMap().values().stream().anyMatch(ref -> ref.name().equals(OLD_SELF));
            CelRuntime.Program messageExpression = rule.messageExpression() == null ? null
                    : env.createProgram(env.compile(rule.messageExpression()).getAst());
            return new CompiledRule(rule, env.createProgram(ast), messageExpression,
                    transition && !rule.optionalOldSelf());
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalArgumentException(schema.path + ": rule " + rule.rule() + " does not compile: "
                    + e.getMessage(), e);
        }
    }

    private static Cel environment(CelType self, boolean optionalOldSelf) {
        return CelFactory.standardCelBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addCompilerLibraries(COMPILER_LIBRARIES)
                .addRuntimeLibraries(RUNTIME_LIBRARIES)
                .addVar(SELF, self)
                .addVar(OLD_SELF, optionalOldSelf ? OptionalType.create(self) : self)
                .build();
    }

    /** The CEL type of a node's values; an object's fields are dynamic. */
    private static CelType celType(StructuralSchema schema) {
        if (schema.intOrString || schema.nullable || schema.type == null) {
            return SimpleType.DYN;
        }
        return switch (schema.type) {
            case "integer" -> SimpleType.INT;
            case "number" -> SimpleType.DOUBLE;
            case "string" -> SimpleType.STRING;
            case "boolean" -> SimpleType.BOOL;
            case "array" -> ListType.create(schema.items == null ? SimpleType.DYN : celType(schema.items));
            default -> MapType.create(SimpleType.STRING, schema.additionalProperties == null
                    ? SimpleType.DYN : celType(schema.additionalProperties));
        };
    }

    /** Whether the schema has no rules at all. */
    boolean isEmpty() {
        return rules.isEmpty();
    }

    /** The problems of every rule that fails on {@code value}, a new object, at {@code path}. */
    List<FieldProblem> check(JsonNode value, StructuralSchema schema, String path) {
        List<FieldProblem> problems = new ArrayList<>();
        walk(value, schema, path, problems);
        return problems;
    }

    /** Rules at a node first, then beneath it, and only where the object holds a value (validate in schema/cel). */
    private void walk(JsonNode value, StructuralSchema schema, String path, List<FieldProblem> problems) {
        if (schema == null || value.isNull()) {
            return;
        }
        List<CompiledRule> here = rules.getOrDefault(schema, List.of()).stream()
                .filter(rule -> !rule.transition()).toList();
        if (!here.isEmpty()) {
            Map<String, Object> variables = Map.of(SELF, celValue(value, schema), OLD_SELF, Optional.empty());
            for (CompiledRule rule : here) {
                evaluate(rule, variables, value, schema, path, problems);
            }
        }
        if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                walk(value.get(i), schema.items, FieldProblem.index(path, i), problems);
            }
        } else if (value.isObject()) {
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                StructuralSchema property = schema.properties.get(field.getKey());
                if (property != null) {
                    walk(field.getValue(), property, FieldProblem.child(path, field.getKey()), problems);
                } else {
                    walk(field.getValue(), schema.additionalProperties, FieldProblem.key(path, field.getKey()),
                            problems);
                }
            }
        }
    }

    private static void evaluate(CompiledRule rule, Map<String, Object> variables, JsonNode value,
            StructuralSchema schema, String path, List<FieldProblem> problems) {
        // Like the API server, a problem shows the value of a string or number, not of an object or a list.
        String shown = value.isContainerNode() ? "" : value + ": ";
        Object result;
        try {
            result = rule.program().eval(variables);
        } catch (CelEvaluationException e) {
            problems.add(new FieldProblem(path, Type.INVALID, Type.INVALID.words() + ": " + shown
                    + e.getMessage().replaceFirst("^evaluation error at \\S+: ", "") + " evaluating rule: "
                    + rule.message()));
            return;
        }
        if (Boolean.TRUE.equals(result)) {
            return;
        }
        String fieldPath = rule.source().fieldPath();
        String field = fieldPath == null ? path
                : path + (fieldPath.startsWith("[") ? "" : ".") + fieldPath.replaceFirst("^\\.", "");
        String message = messageExpression(rule, variables).orElseGet(rule::message);
        problems.add(switch (rule.source().reason() == null ? "" : rule.source().reason()) {
            case "FieldValueForbidden" -> new FieldProblem(field, Type.FORBIDDEN, Type.FORBIDDEN.words() + ": "
                    + message);
            case "FieldValueRequired" -> new FieldProblem(field, Type.REQUIRED, Type.REQUIRED.words() + ": "
                    + message);
            case "FieldValueDuplicate" -> new FieldProblem(field, Type.DUPLICATE, Type.DUPLICATE.words()
                    + (value.isContainerNode() ? "" : ": " + value));
            default -> new FieldProblem(field, Type.INVALID, Type.INVALID.words() + ": " + shown + message);
        });
    }

    /**
     * The rule's messageExpression, when it has one that gives a usable message: a non-blank string of one line,
     * else the API server falls back to the message.
     */
    private static Optional<String> messageExpression(CompiledRule rule, Map<String, Object> variables) {
        if (rule.messageExpression() == null) {
            return Optional.empty();
        }
        try {
            return rule.messageExpression().eval(variables) instanceof String message && !message.isBlank()
                    && !message.contains("\n") ? Optional.of(message.strip()) : Optional.empty();
        } catch (CelEvaluationException e) {
            return Optional.empty();
        }
    }

    /**
     * A JSON value as CEL sees it under {@code schema} (UnstructuredToVal): an integer as a long, a number as a
     * double even when written as 1, an object as a map; without a schema, by its JSON type.
     */
    private static Object celValue(JsonNode value, StructuralSchema schema) {
        String type = schema == null || schema.intOrString ? null : schema.type;
        if (value.isNull()) {
            return NullValue.NULL_VALUE;
        } else if (value.isTextual()) {
            return value.textValue();
        } else if (value.isBoolean()) {
            return value.booleanValue();
        } else if (value.isNumber()) {
            return "number".equals(type) || type == null && !value.isIntegralNumber() ? value.doubleValue()
                    : (Object) value.longValue();
        } else if (value.isArray()) {
            List<Object> items = new ArrayList<>();
            value.forEach(item -> items.add(celValue(item, schema == null ? null : schema.items)));
            return items;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        value.properties().forEach(field -> {
            String name = field.getKey();
            boolean declared = schema != null && schema.properties.containsKey(name);
            Optional<String> celName = declared ? escaped(name) : Optional.of(name);
            celName.ifPresent(key -> fields.put(key, celValue(field.getValue(), schema == null ? null
                    : schema.field(name))));
        });
        return fields;
    }

    /**
     * A declared property's name as rules write it (apiserver cel.Escape): a reserved word {@code w} as {@code __w__};
     * {@code __}, {@code .}, {@code -} and {@code /} as {@code __underscores__}, {@code __dot__}, {@code __dash__},
     * {@code __slash__}; empty for a name no rule can reach (other characters, or a leading digit). Map keys are
     * not escaped.
     */
    static Optional<String> escaped(String name) {
        if (RESERVED.contains(name)) {
            return Optional.of("__" + name + "__");
        }
        if (!ESCAPABLE.matcher(name).matches()) {
            return Optional.empty();
        }
        return Optional.of(name.replace("__", "__underscores__").replace(".", "__dot__").replace("-", "__dash__")
                .replace("/", "__slash__"));
    }
}
