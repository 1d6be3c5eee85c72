package io.gatekit.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest ("dev" when running from classes). */
public final class Version implements IVersionProvider {

    public static String current() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"gatekit " + current() + " (Java " + Runtime.version() + ")"};
    }
}
