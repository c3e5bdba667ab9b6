package dev.caravan.serving;

import org.apache.camel.spi.Resource;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The route files the gateway runs. The shipped routes are packaged in the jar ({@code classpath:routes/}) as
 * defaults, so {@code java -jar caravan.jar} runs from any folder. A file in {@code caravan.routes.directory}
 * replaces the default of the same file name and any other file there is added. By name rather than by path, so a
 * flat copy (the Camel K ConfigMap, whose keys are file names) replaces the same defaults as a copy of routes/; the
 * shipped names are unique for that reason.
 */
public final class RouteFiles {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFiles.class);
    private static final String DEFAULTS = "classpath*:routes/**/*.yaml";
    private static final String PACKAGED = "/routes/";

    private RouteFiles() {
    }

    /** The defaults with the directory's files laid over them, in a stable order (defaults first, by path). */
    public static List<Resource> resolve(Path directory) {
        Map<String, Resource> byName = new LinkedHashMap<>(packaged());
        int packaged = byName.size();
        Map<String, Path> own = directoryFiles(directory);
        int replaced = 0;
        for (Map.Entry<String, Path> file : own.entrySet()) {
            if (byName.put(file.getKey(), ResourceHelper.fromString("file:" + file.getValue(), read(file.getValue())))
                    != null) {
                replaced++;
            }
        }
        LOG.info("route files: {} packaged, {} from {} ({} of them replacing a packaged one)", packaged, own.size(),
                directory, replaced);
        return new ArrayList<>(byName.values());
    }

    /** The routes packaged with the gateway, by file name. */
    public static Map<String, Resource> packaged() {
        Map<String, Resource> byPath = new TreeMap<>();
        try {
            for (org.springframework.core.io.Resource file : new PathMatchingResourcePatternResolver(
                    RouteFiles.class.getClassLoader()).getResources(DEFAULTS)) {
                String url = file.getURL().toString();
                String path = url.substring(url.lastIndexOf(PACKAGED) + 1);
                try (InputStream in = file.getInputStream()) {
                    byPath.put(path, ResourceHelper.fromString("classpath:" + path,
                            new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the packaged routes", e);
        }
        Map<String, Resource> byName = new LinkedHashMap<>();
        byPath.forEach((path, resource) -> unique(byName, name(path), resource, path));
        return byName;
    }

    /** The directory's route files by file name; none when it does not exist (the packaged routes then run alone). */
    public static Map<String, Path> directoryFiles(Path directory) {
        if (!Files.isDirectory(directory)) {
            return Map.of();
        }
        Map<String, Path> byName = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            walk.filter(p -> p.toString().endsWith(".yaml") && Files.isRegularFile(p) && !hidden(directory, p))
                    .sorted()
                    .forEach(p -> unique(byName, p.getFileName().toString(), p, p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
        return byName;
    }

    /** Two files of one name would leave it open which one replaces the default: refused at start. */
    private static <T> void unique(Map<String, T> byName, String name, T file, Object where) {
        T other = byName.putIfAbsent(name, file);
        if (other != null) {
            throw new IllegalStateException("two route files are named " + name + " (" + where + " and "
                    + (other instanceof Resource r ? r.getLocation() : other) + "): a file replaces the packaged "
                    + "route of its name, so names must be unique");
        }
    }

    /**
     * A ConfigMap mount holds each file twice: the name the pod sees (a link) and the kubelet's copy inside hidden
     * {@code ..data} / {@code ..<timestamp>} folders. Only the first is a route file.
     */
    private static boolean hidden(Path directory, Path file) {
        for (Path part : directory.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
