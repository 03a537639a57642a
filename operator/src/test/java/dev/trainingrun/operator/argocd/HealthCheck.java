package dev.trainingrun.operator.argocd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingrun.testing.Prerequisite;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Argo CD health check of TrainingRuns ({@code helm/argocd/trainingrun.dev/TrainingRun/health.lua}) the
 * way Argo CD does, on a real Lua 5.1 interpreter: the run as the global {@code obj}, the script's returned table
 * read back. Argo CD itself embeds gopher-lua, which implements Lua 5.1, so this is the dialect to test against.
 */
public final class HealthCheck {
    /** Where Argo CD keeps a kind's customisations: {@code <group>/<kind>/}. */
    public static final Path DIRECTORY = Path.of("..", "helm", "argocd", "trainingrun.dev", "TrainingRun");
    public static final Path SCRIPT = DIRECTORY.resolve("health.lua");
    public static final Path TESTS = DIRECTORY.resolve("health_test.yaml");
    /** Debian's lua5.1 package; hack/test installs it. */
    private static final String LUA = "lua5.1";
    /** The health codes Argo CD accepts from a script. */
    public static final Set<String> STATUSES = Set.of("Healthy", "Progressing", "Degraded", "Suspended");

    /**
     * Runs the script in an environment with only what Argo CD gives health scripts when
     * {@code resource.customizations.useOpenLibs} is off (util/lua/lua.go of Argo CD: Lua's base and table libraries
     * and {@code require}, which yields only {@code os.time} and {@code os.date}; no string, math, os, io or debug
     * global, and strings without methods), so that a script that needs more fails here as it does in Argo CD;
     * prints the status on the first line and the message, verbatim, after it.
     */
    private static final String HARNESS = """
            local check = assert(loadfile(%s))
            local env = {obj = obj, table = table}
            for _, name in ipairs({"assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber",
                "tostring", "type", "unpack", "xpcall"}) do
              env[name] = _G[name]
            end
            getmetatable("").__index = nil
            setfenv(check, env)
            local ok, hs = pcall(check)
            if not ok then
              io.stderr:write("the script failed: ", tostring(hs), "\\n")
              os.exit(2)
            end
            if type(hs) ~= "table" or type(hs.status) ~= "string" then
              io.stderr:write("the script returned no table with a status: ", tostring(hs), "\\n")
              os.exit(3)
            end
            if hs.message ~= nil and type(hs.message) ~= "string" then
              io.stderr:write("the message is not a string: ", tostring(hs.message), "\\n")
              os.exit(4)
            end
            io.write(hs.status, "\\n", hs.message or "")
            """;

    /** Why lua5.1 cannot be used, or null when it can; asked once. */
    private static String missingLua;
    private static boolean probed;

    private HealthCheck() {}

    /** What the script returned. */
    public record Health(String status, String message) {}

    /** Skips the calling test when lua5.1 is missing, or fails it under CI=true. */
    public static synchronized void requireLua() {
        if (!probed) {
            probed = true;
            try {
                Process probe = new ProcessBuilder(LUA, "-v").redirectErrorStream(true).start();
                probe.getInputStream().readAllBytes();
                if (!probe.waitFor(10, TimeUnit.SECONDS) || probe.exitValue() != 0) {
                    missingLua = LUA + " -v failed";
                }
            } catch (IOException e) {
                missingLua = LUA + " cannot be run: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                missingLua = "interrupted while probing " + LUA;
            }
        }
        Prerequisite.require(missingLua == null ? null : missingLua + ". The Argo CD health check is tested on a "
                + "real Lua 5.1 interpreter: install Debian's lua5.1 package (hack/test does).");
    }

    /** Runs the health check on a TrainingRun as Argo CD would see it. */
    public static Health evaluate(JsonNode run) {
        String chunk = "obj = " + lua(run) + "\n" + HARNESS.formatted(lua(SCRIPT.toString()));
        try {
            Process lua = new ProcessBuilder(LUA, "-").start();
            try (OutputStream in = lua.getOutputStream()) {
                in.write(chunk.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(lua.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String errors = new String(lua.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!lua.waitFor(30, TimeUnit.SECONDS)) {
                lua.destroyForcibly();
                throw new IllegalStateException(LUA + " did not finish within 30 s");
            }
            if (lua.exitValue() != 0) {
                throw new AssertionError(LUA + " exited with " + lua.exitValue() + ": " + errors.strip());
            }
            int newline = output.indexOf('\n');
            if (newline < 0) {
                throw new AssertionError("no status line from " + LUA + ": " + output + errors);
            }
            return new Health(output.substring(0, newline), output.substring(newline + 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A JSON value as a Lua 5.1 table constructor, as Argo CD hands objects to scripts: objects and arrays become
     * tables (arrays counted from 1), JSON null becomes an absent key.
     */
    static String lua(JsonNode value) {
        StringBuilder out = new StringBuilder();
        append(out, value);
        return out.toString();
    }

    private static void append(StringBuilder out, JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            out.append("nil");
        } else if (value.isObject()) {
            out.append('{');
            for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getValue().isNull()) {
                    continue;
                }
                out.append('[').append(lua(field.getKey())).append("]=");
                append(out, field.getValue());
                out.append(',');
            }
            out.append('}');
        } else if (value.isArray()) {
            out.append('{');
            for (JsonNode element : value) {
                append(out, element);
                out.append(',');
            }
            out.append('}');
        } else if (value.isNumber()) {
            // Lua 5.1 reads Java's forms, 1.0E-4 included; its numbers are doubles, as in gopher-lua.
            out.append(value.numberValue().toString());
        } else if (value.isBoolean()) {
            out.append(value.booleanValue());
        } else {
            out.append(lua(value.asText()));
        }
    }

    /**
     * A Lua 5.1 string literal with the same bytes as {@code text} in UTF-8: printable ASCII as it is, everything
     * else (quotes, backslashes, newlines, other control characters, non-ASCII) as three-digit decimal escapes, the
     * one escape form Lua 5.1 has for any byte and that a following digit cannot extend.
     */
    static String lua(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out.append((char) c);
            } else {
                out.append('\\').append(String.format("%03d", c));
            }
        }
        return out.append('"').toString();
    }
}
