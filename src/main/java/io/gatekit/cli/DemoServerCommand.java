package io.gatekit.cli;

import io.gatekit.demo.DemoServer;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code gatekit demo-server}: the built-in demo MCP server on stdio. */
@Command(name = "demo-server", mixinStandardHelpOptions = true,
        description = "Run the built-in demo MCP server on stdio (tools: echo, add, sleep, sample, roots, elicit, fail, crash, stats, log, touch, change_tools, confirm).")
final class DemoServerCommand implements Callable<Integer> {

    @Override
    public Integer call() throws InterruptedException {
        io.gatekit.observability.Logging.configureQuiet();
        new DemoServer(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out)).run();
        return 0;
    }
}
