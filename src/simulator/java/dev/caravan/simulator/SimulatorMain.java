package dev.caravan.simulator;

/**
 * Command line for running the simulator on its own, as the upstream of a benchmark:
 * {@code --port 8090 --first-chunk-delay-ms 50 --chunk-delay-ms 10 --chunks 20 --text "..." --record false
 * --pace-whole-answers true}. Recording is off by default here because a benchmark would otherwise spend memory and
 * locks on it; {@code --pace-whole-answers false} answers non-streamed requests at once, streams still paced.
 */
final class SimulatorMain {

    private SimulatorMain() {
    }

    static void run(String[] args) throws InterruptedException {
        int port = 8090;
        SimulatorDefaults base = SimulatorDefaults.defaults();
        String text = base.text();
        int chunks = base.chunks();
        long firstDelay = base.firstChunkDelayMs();
        long chunkDelay = base.chunkDelayMs();
        boolean record = false;
        boolean paceWholeAnswers = true;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                System.out.println("usage: ProviderSimulator [--port N] [--first-chunk-delay-ms N] "
                        + "[--chunk-delay-ms N] [--chunks N] [--text S] [--record true|false] "
                        + "[--pace-whole-answers true|false]");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + flag);
            }
            String value = args[++i];
            switch (flag) {
                case "--port" -> port = Integer.parseInt(value);
                case "--first-chunk-delay-ms" -> firstDelay = Long.parseLong(value);
                case "--chunk-delay-ms" -> chunkDelay = Long.parseLong(value);
                case "--chunks" -> chunks = Integer.parseInt(value);
                case "--text" -> text = value;
                case "--record" -> record = Boolean.parseBoolean(value);
                case "--pace-whole-answers" -> paceWholeAnswers = Boolean.parseBoolean(value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        SimulatorDefaults defaults = new SimulatorDefaults(text, chunks, firstDelay, chunkDelay);
        ProviderSimulator simulator = ProviderSimulator.start(port, defaults,
                record ? ProviderSimulator.DEFAULT_RECORD_LIMIT : 0);
        simulator.setPaceWholeAnswers(paceWholeAnswers);
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "provider-simulator-shutdown"));
        System.out.println("simulator listening on " + simulator.baseUrl());
        System.out.flush();
        Thread.currentThread().join();
    }
}
