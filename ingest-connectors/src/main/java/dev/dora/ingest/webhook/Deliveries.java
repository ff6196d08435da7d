package dev.dora.ingest.webhook;

/**
 * The webhook deliveries already acknowledged, by source and the provider's delivery id, for recognising a
 * redelivery: in this process only ({@link WebhookRoutes.DeliveryLog}), or shared by every instance and kept across
 * restarts in Kafka ({@link KafkaDeliveries}).
 */
public interface Deliveries {

    /** Whether this delivery was acknowledged before. */
    boolean seen(String source, String deliveryId);

    /** Records that this delivery was acknowledged (its events are in Kafka). */
    void acknowledged(String source, String deliveryId);
}
