package dev.dora.testkit;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft cluster (combined broker and controller) inside the test JVM.
 *
 * <p>{@link KafkaClusterTestKit} is an internal Kafka API that changes between minor versions; this class is
 * the only place that touches it, and it uses only the parts stable from 4.1 to 4.3.
 */
public final class TestKafkaCluster implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private TestKafkaCluster(final KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static TestKafkaCluster start() throws Exception {
        final KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new TestKafkaCluster(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
