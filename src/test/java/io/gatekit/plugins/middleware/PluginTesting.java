package io.gatekit.plugins.middleware;

import io.gatekit.config.PluginEntry;
import io.gatekit.config.PluginCheck;
import io.gatekit.config.SourceLocation;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.plugins.Direction;
import io.gatekit.plugins.Plugin;
import io.gatekit.plugins.PluginContext;
import io.gatekit.plugins.PluginFactory;
import io.gatekit.plugins.PluginRegistry;
import io.gatekit.plugins.PluginSettings;
import io.gatekit.plugins.PluginSetup;
import io.gatekit.plugins.SharedResources;
import io.gatekit.session.Principal;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the middleware unit tests share: options from JSON text, entries checked by a registry, plugins created. */
final class PluginTesting {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private PluginTesting() {}

    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    /** The issues a registry with only {@code factory} finds in an entry of {@code config} under {@code scope}. */
    static List<String> issues(PluginFactory factory, String scope, String config) {
        PluginEntry entry = new PluginEntry("middleware", scope, factory.handler(), json(config),
                new SourceLocation("test.yaml", 3, 7, "plugins.middleware." + scope + "[0]"));
        return PluginRegistry.of(List.of(factory)).check(entry).stream().map(PluginCheck.Issue::message).toList();
    }

    static Plugin create(PluginFactory factory, @Nullable String upstream, String config) {
        JsonNode options = json(config);
        return factory.create(new PluginSetup(options, upstream, Path.of("."), PluginSettings.of(options, factory),
                new SharedResources()));
    }

    static PluginContext context(@Nullable String upstream, long startNanos) {
        return new PluginContext(upstream, Principal.ANONYMOUS, "client-1", Direction.TO_UPSTREAM, startNanos);
    }

    static Request request(long id, String method, String params) {
        return new Request(JsonRpcIds.of(id), method, json(params));
    }
}
