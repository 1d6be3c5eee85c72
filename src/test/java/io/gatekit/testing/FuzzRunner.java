package io.gatekit.testing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.PrintWriter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Runs one fuzz test method outside Maven, for {@code scripts/fuzz} (ADR 0026): with {@code JAZZER_FUZZ=1} Jazzer
 * fuzzes it instead of replaying its seeds. Argument: {@code fully.qualified.Class#method(parameterTypes)}.
 * Exits 0 when nothing was found, 1 on a finding (Jazzer has then written the input next to the seeds).
 */
public final class FuzzRunner {
    private FuzzRunner() {}

    public static void main(String[] args) {
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectMethod(args[0])).build(),
                summary);
        PrintWriter out = new PrintWriter(System.out, true);
        summary.getSummary().printTo(out);
        summary.getSummary().printFailuresTo(out, 20);
        System.exit(summary.getSummary().getTotalFailureCount() == 0 && summary.getSummary().getTestsSucceededCount() > 0 ? 0 : 1);
    }
}
