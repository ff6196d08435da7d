# syntax=docker/dockerfile:1
# dora: one image for every role (docker-compose.yml runs it as the pipeline and API instances). The same jar is what
# ./dora runs. Not built on the development machines (no Docker engine there): ComposeFileTest checks this file.

# --- build: the jar, with Maven's local repository as a cache that survives source changes --------------------------
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# a failing build or a missing jar fails the image
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package && cp launcher/target/dora.jar /dora.jar

# --- run: a JRE, curl for the health check, and an unprivileged user -----------------------------------------------
FROM eclipse-temurin:17.0.15_6-jre-jammy
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends curl; \
    rm -rf /var/lib/apt/lists/*; \
    useradd --system --uid 10001 --home-dir /data dora; \
    mkdir -p /data /opt/dora; \
    chown dora /data
COPY --from=build /dora.jar /opt/dora/dora.jar
USER 10001
VOLUME /data
EXPOSE 8080
# Kafka Streams state and the log live in /data; the events themselves live in Kafka
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=6 \
    CMD curl --fail --silent --output /dev/null http://localhost:8080/api/v1/health
ENTRYPOINT ["java", "-jar", "/opt/dora/dora.jar"]
CMD ["serve", "--bootstrap-servers", "kafka-1:9092,kafka-2:9092,kafka-3:9092", "--port", "8080", "--data-dir", "/data"]
