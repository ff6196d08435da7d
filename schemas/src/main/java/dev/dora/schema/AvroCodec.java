package dev.dora.schema;

import dev.dora.events.BuildEvent;
import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.IncidentEvent;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.reports.WeeklyReport;
import dev.dora.state.Attribution;
import dev.dora.state.BuildBucket;
import dev.dora.state.CauseClaim;
import dev.dora.state.CommitNode;
import dev.dora.state.DayBucket;
import dev.dora.state.DeliveredChanges;
import dev.dora.state.DeployRef;
import dev.dora.state.EntityRemoval;
import dev.dora.state.ServiceInfo;
import dev.dora.state.TeamObservation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Encodes and decodes every record the pipeline writes to Kafka with Avro single-object encoding:
 * {@code C3 01}, the 8-byte CRC-64-AVRO fingerprint of the writer schema, then the Avro body.
 *
 * <p>No schema registry is needed: the fingerprint names the writer schema, which is either a current
 * schema or one of the superseded versions shipped under {@code avro/history}. A topic may therefore
 * carry records of several types; {@link #decode(byte[])} returns whichever type the bytes hold.
 */
public final class AvroCodec {

    /** Every generated record type that travels through Kafka. */
    public static final List<Class<? extends SpecificRecord>> RECORD_TYPES = List.of(
            ChangeEvent.class, DeploymentEvent.class, IncidentEvent.class, BuildEvent.class,
            DeploymentFact.class, IncidentFact.class, WeeklyReport.class,
            Attribution.class, CauseClaim.class, CommitNode.class, DayBucket.class, DeployRef.class,
            EntityRemoval.class, ServiceInfo.class, TeamObservation.class, BuildBucket.class,
            DeliveredChanges.class);

    private static final String HISTORY_DIR = "dora-schema-history";
    private static final AvroCodec INSTANCE = new AvroCodec();

    private final Map<Class<?>, BinaryMessageEncoder<SpecificRecord>> encoders = new HashMap<>();
    private final Map<Long, BinaryMessageDecoder<SpecificRecord>> decodersByFingerprint = new HashMap<>();
    private final Map<Long, Class<? extends SpecificRecord>> typesByFingerprint = new HashMap<>();

    static {
        trustGeneratedClasses();
    }

    private AvroCodec() {
        final Map<String, List<Schema>> history = loadHistory();
        for (final Class<? extends SpecificRecord> type : RECORD_TYPES) {
            final Schema current = SpecificData.get().getSchema(type);
            encoders.put(type, new BinaryMessageEncoder<>(SpecificData.get(), current));
            final SchemaStore.Cache store = new SchemaStore.Cache();
            final List<Schema> versions = new ArrayList<>(history.getOrDefault(current.getFullName(), List.of()));
            versions.forEach(store::addSchema);
            final BinaryMessageDecoder<SpecificRecord> decoder =
                    new BinaryMessageDecoder<>(SpecificData.get(), current, store);
            versions.add(current);
            for (final Schema version : versions) {
                final long fingerprint = SchemaNormalization.parsingFingerprint64(version);
                decodersByFingerprint.put(fingerprint, decoder);
                typesByFingerprint.put(fingerprint, type);
            }
        }
    }

    public static AvroCodec get() {
        return INSTANCE;
    }

    /**
     * Avro 1.12.2 refuses to instantiate generated classes whose package is not trusted; trust ours, whatever the
     * JVM's system properties say: every record and enum reachable from {@link #RECORD_TYPES}' schemas, so that a
     * record type nested in another (a fact's list of charged deployments, say) cannot be forgotten. The programs and
     * the tests' JVMs (testkit's {@code TrustGeneratedClasses}) trust them this way alone.
     */
    public static void trustGeneratedClasses() {
        ClassSecurityValidator.setGlobal(
                ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), generatedClasses()));
    }

    /**
     * Every generated class a record of {@link #RECORD_TYPES} may hold: the types themselves and every record and
     * enum their schemas name, nested ones included (an incident fact's charged deployments), found from the schemas
     * so that a new nested type cannot be forgotten.
     */
    static ClassSecurityValidator.ClassSecurityPredicate generatedClasses() {
        final ClassSecurityValidator.Builder trusted = ClassSecurityValidator.builder();
        final Set<String> seen = new HashSet<>();
        final Deque<Schema> pending = new ArrayDeque<>();
        RECORD_TYPES.forEach(type -> pending.add(SpecificData.get().getSchema(type)));
        while (!pending.isEmpty()) {
            final Schema schema = pending.pop();
            switch (schema.getType()) {
                case RECORD, ENUM -> {
                    if (seen.add(schema.getFullName())) {
                        trusted.add(schema.getFullName());
                        if (schema.getType() == Schema.Type.RECORD) {
                            schema.getFields().forEach(field -> pending.add(field.schema()));
                        }
                    }
                }
                case UNION -> pending.addAll(schema.getTypes());
                case ARRAY -> pending.add(schema.getElementType());
                case MAP -> pending.add(schema.getValueType());
                default -> { }
            }
        }
        return trusted.build();
    }

    public byte[] encode(final SpecificRecord record) {
        final BinaryMessageEncoder<SpecificRecord> encoder = encoders.get(record.getClass());
        if (encoder == null) {
            throw new IllegalArgumentException("not a pipeline record type: " + record.getClass().getName());
        }
        try {
            final ByteBuffer buffer = encoder.encode(record);
            final byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether {@code bytes} carry this codec's marker and the fingerprint of a schema of {@code type}, the current one
     * or one before it: judged from the 10-byte header alone, for a reader that keeps the bytes without decoding them.
     */
    public boolean isEncodingOf(final byte[] bytes, final Class<? extends SpecificRecord> type) {
        return hasMarker(bytes) && type.equals(typesByFingerprint.get(fingerprint(bytes)));
    }

    public SpecificRecord decode(final byte[] bytes) {
        if (!hasMarker(bytes)) {
            throw new IllegalArgumentException("not Avro single-object encoding (no C3 01 marker)");
        }
        final long fingerprint = fingerprint(bytes);
        final BinaryMessageDecoder<SpecificRecord> decoder = decodersByFingerprint.get(fingerprint);
        if (decoder == null) {
            throw new IllegalArgumentException(
                    "unknown writer schema fingerprint " + Long.toHexString(fingerprint)
                            + ": written by a newer version of the pipeline?");
        }
        try {
            return decoder.decode(bytes);
        } catch (final IOException e) {
            throw new IllegalArgumentException("cannot decode record: " + e.getMessage(), e);
        }
    }

    private static boolean hasMarker(final byte[] bytes) {
        return bytes.length >= 10 && bytes[0] == (byte) 0xC3 && bytes[1] == (byte) 0x01;
    }

    private static long fingerprint(final byte[] bytes) {
        return ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Superseded schema versions, by full name. */
    static Map<String, List<Schema>> loadHistory() {
        final Map<String, List<Schema>> byName = new HashMap<>();
        final URL dir = AvroCodec.class.getClassLoader().getResource(HISTORY_DIR);
        if (dir == null) {
            return byName;
        }
        try {
            final List<Path> files = new ArrayList<>();
            if ("jar".equals(dir.toURI().getScheme())) {
                try (FileSystem jar = FileSystems.newFileSystem(dir.toURI(), Map.of());
                     Stream<Path> paths = Files.list(jar.getPath(HISTORY_DIR))) {
                    for (final Path path : (Iterable<Path>) paths::iterator) {
                        if (path.toString().endsWith(".avsc")) {
                            byName.computeIfAbsent(parseName(Files.readString(path)), k -> new ArrayList<>())
                                    .add(parse(Files.readString(path)));
                        }
                    }
                }
                return byName;
            }
            try (Stream<Path> paths = Files.list(Path.of(dir.toURI()))) {
                paths.filter(p -> p.toString().endsWith(".avsc")).sorted().forEach(files::add);
            }
            for (final Path file : files) {
                final String text = Files.readString(file);
                byName.computeIfAbsent(parseName(text), k -> new ArrayList<>()).add(parse(text));
            }
            return byName;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A history file is self-contained: it defines every named type it uses. */
    private static Schema parse(final String text) {
        return new Schema.Parser().parse(text);
    }

    private static String parseName(final String text) {
        return parse(text).getFullName();
    }
}
