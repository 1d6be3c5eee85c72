package io.gatekit.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS for the HTTP face ({@code proxy.http.tls}): the key store holding the server's certificate and key.
 *
 * @param keyStore path to the key store, relative to the config file
 * @param keyStorePassword its password (write {@code ${VAR}} to take it from the environment)
 * @param keyStoreType PKCS12 (default) or JKS
 */
public record TlsConfig(Path keyStore, String keyStorePassword, String keyStoreType) {

    public TlsConfig {
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(keyStorePassword, "keyStorePassword");
        if (!keyStoreType.equals("PKCS12") && !keyStoreType.equals("JKS")) {
            throw new IllegalArgumentException("key_store_type must be PKCS12 or JKS, got " + keyStoreType);
        }
    }
}
