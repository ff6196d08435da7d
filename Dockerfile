# syntax=docker/dockerfile:1
# dora: the pipeline and its HTTP API, against an existing Kafka cluster (see docker-compose.yml).
# Untested on the development machine (no Docker there); the same jar is what ./dora runs.

# --- build ------------------------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# the local repository is a build cache, so downloads survive source changes; a failing build fails the image
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package && cp launcher/target/dora.jar /dora.jar

# --- run --------------------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /data dora && mkdir -p /data && chown dora /data
COPY --from=build /dora.jar /opt/dora/dora.jar
USER dora
VOLUME /data
EXPOSE 8080
# Kafka Streams state and the log live in /data; the events themselves live in Kafka
ENTRYPOINT ["java", "-jar", "/opt/dora/dora.jar"]
CMD ["serve", "--bootstrap-servers", "kafka:9092", "--data-dir", "/data"]
