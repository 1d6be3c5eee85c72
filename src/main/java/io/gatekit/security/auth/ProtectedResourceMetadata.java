package io.gatekit.security.auth;

import io.gatekit.config.JwtAuthConfig;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The RFC 9728 protected resource metadata of the MCP endpoint: which resource this is (the configured audience),
 * which authorization server issues its tokens (the issuer), the scopes it requires, and that tokens go in the
 * {@code Authorization} header. MCP clients find it through the {@code resource_metadata} of a 401's challenge or
 * at the well-known path.
 */
public final class ProtectedResourceMetadata {
    static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

    private final byte[] document;
    private final Set<String> paths = new LinkedHashSet<>();
    /** Where the document is, when the resource is an http(s) URL; else empty and derived per request. */
    private final String fixedUrl;
    private final String endpointPath;

    ProtectedResourceMetadata(JwtAuthConfig jwt, String endpointPath) {
        this.endpointPath = endpointPath;
        JsonMapper json = JsonMapper.builder().build();
        ObjectNode doc = json.createObjectNode();
        doc.put("resource", jwt.audience());
        doc.putArray("authorization_servers").add(jwt.issuer());
        ArrayNode scopes = doc.putArray("scopes_supported");
        jwt.requiredScopes().forEach(scopes::add);
        doc.putArray("bearer_methods_supported").add("header");
        doc.put("resource_name", "Gatekit MCP gateway");
        this.document = json.writeValueAsBytes(doc);
        // RFC 9728 §3.1: the well-known segment goes between the host and the resource's path. Served at the bare
        // path too, and after the endpoint's own path, since clients probe both.
        paths.add(WELL_KNOWN);
        paths.add(WELL_KNOWN + trimmed(endpointPath));
        URI resource = httpUri(jwt.audience());
        if (resource != null) {
            String resourcePath = trimmed(resource.getRawPath() == null ? "" : resource.getRawPath());
            paths.add(WELL_KNOWN + resourcePath);
            this.fixedUrl = resource.getScheme() + "://" + resource.getRawAuthority() + WELL_KNOWN + resourcePath;
        } else {
            this.fixedUrl = "";
        }
    }

    /** Whether the metadata is served at {@code path}. */
    public boolean servedAt(String path) {
        return paths.contains(path);
    }

    /** The JSON document. */
    public byte[] document() {
        return document.clone();
    }

    /**
     * The document's URL for a challenge: derived from the resource URI when it is an http(s) URL, else from where
     * the request came in ({@code origin}: scheme, host and port).
     */
    public String url(String origin) {
        return fixedUrl.isEmpty() ? origin + WELL_KNOWN + trimmed(endpointPath) : fixedUrl;
    }

    private static String trimmed(String path) {
        String trimmed = path;
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }

    private static @org.jspecify.annotations.Nullable URI httpUri(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getRawAuthority() != null ? uri : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }
}
