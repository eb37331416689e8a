// Runs Kafka's command-line tools one after another inside this one JVM, so that the suite starts the JVM (about a
// second on a small machine) once instead of once per command. The tools end with Kafka's Exit.exit, which a test
// may redirect: here it records the exit code and unwinds the tool's main instead of ending the JVM. The shutdown
// hooks a tool registers (the console producer closes, and so flushes, its producer in one) run when the tool ends,
// as they would when its own JVM ended.
//
// Protocol, one line per command on stdin: tab-separated Base64 fields, the main class, the text the tool reads on
// stdin, then its arguments. Per command one line on stdout: "EDDY-TOOL", the exit code, and the Base64 of what
// the tool printed on stdout and on stderr, tab-separated. End of stdin ends the runner.
package eddy.tools;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.apache.kafka.common.utils.internals.Exit;

public final class ToolRunner {
    /**
     * Thrown in place of ending the JVM; carries nothing, the code is kept in firstExitCode. A tool that catches
     * Throwable around its own Exit.exit (kafka-topics does) prints it on stderr: stdout and the first exit code
     * are what the tool's own JVM would have given.
     */
    private static final class ToolExit extends RuntimeException {
        ToolExit() {
            super(null, null, false, false);
        }
    }

    /** Tools that catch everything may call Exit.exit again while unwinding; the first call is their answer. */
    private static Integer firstExitCode;

    /** Hooks the running tool registered through Exit.addShutdownHook. */
    private static final List<Runnable> shutdownHooks = new ArrayList<>();

    /** A hook may wait on the tool's threads; one that outlives this is left behind, as the JVM would not wait. */
    private static final long HOOK_TIMEOUT_MS = 15_000;

    private static void recordExit(int code) {
        if (firstExitCode == null) firstExitCode = code;
        throw new ToolExit();
    }

    private ToolRunner() {
    }

    public static void main(String[] ignored) throws Exception {
        Exit.setExitProcedure((code, message) -> recordExit(code));
        Exit.setHaltProcedure((code, message) -> recordExit(code));
        Exit.setShutdownHookAdder((name, runnable) -> shutdownHooks.add(runnable));
        PrintStream realOut = System.out;
        PrintStream realErr = System.err;
        InputStream realIn = System.in;
        BufferedReader commands = new BufferedReader(new InputStreamReader(realIn, StandardCharsets.UTF_8));
        String line;
        while ((line = commands.readLine()) != null) {
            if (line.isEmpty()) continue;
            String[] fields = Arrays.stream(line.split("\t", -1)).map(ToolRunner::decode).toArray(String[]::new);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code;
            try (PrintStream toolOut = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream toolErr = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                System.setOut(toolOut);
                System.setErr(toolErr);
                System.setIn(new ByteArrayInputStream(fields[1].getBytes(StandardCharsets.UTF_8)));
                code = runTool(fields[0], Arrays.copyOfRange(fields, 2, fields.length), toolErr);
                runShutdownHooks(toolErr);
            } finally {
                System.setOut(realOut);
                System.setErr(realErr);
                System.setIn(realIn);
            }
            realOut.println("EDDY-TOOL\t" + code + "\t" + encode(out) + "\t" + encode(err));
            realOut.flush();
        }
    }

    private static int runTool(String mainClass, String[] args, PrintStream toolErr) {
        firstExitCode = null;
        try {
            Method main = Class.forName(mainClass).getMethod("main", String[].class);
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            if (!(e.getCause() instanceof ToolExit)) {
                // What the JVM would do with an uncaught exception: print it and end with 1.
                e.getCause().printStackTrace(toolErr);
                if (firstExitCode == null) firstExitCode = 1;
            }
        } catch (ReflectiveOperationException e) {
            e.printStackTrace(toolErr);
            if (firstExitCode == null) firstExitCode = 1;
        }
        return firstExitCode == null ? 0 : firstExitCode;
    }

    private static void runShutdownHooks(PrintStream toolErr) throws InterruptedException {
        for (Runnable hook : shutdownHooks) {
            Thread thread = new Thread(() -> {
                try {
                    hook.run();
                } catch (RuntimeException e) {
                    // A hook that calls Exit.exit (the runner's ToolExit) or fails ends like it would at JVM exit.
                    if (!(e instanceof ToolExit)) e.printStackTrace(toolErr);
                }
            }, "tool-shutdown-hook");
            thread.start();
            thread.join(HOOK_TIMEOUT_MS);
        }
        shutdownHooks.clear();
    }

    private static String decode(String field) {
        return new String(Base64.getDecoder().decode(field), StandardCharsets.UTF_8);
    }

    private static String encode(ByteArrayOutputStream bytes) {
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
}
