# dora: the pipeline and its HTTP API, against an existing Kafka cluster (see docker-compose.yml).
# Untested on the development machine (no Docker there); the same jar is what ./dora runs.

# --- build ------------------------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# the poms first, so that the dependency download is cached while only sources change
COPY pom.xml ./
COPY schemas/pom.xml schemas/
COPY testkit/pom.xml testkit/
COPY ingest-connectors/pom.xml ingest-connectors/
COPY metrics-streams/pom.xml metrics-streams/
COPY launcher/pom.xml launcher/
RUN mvn -B -q dependency:go-offline -DexcludeReactor=true || true
COPY . .
RUN mvn -B -q -DskipTests install && cp launcher/target/dora.jar /dora.jar

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
