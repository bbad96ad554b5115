# syntax=docker/dockerfile:1
# The image of the demo agents and of reef-cli, built from this repository's source.
#   docker build -t reef-demo-agent .
#   docker run --rm -e REEF_AMQP_URI=amqp://user:pass@host:5672 reef-demo-agent \
#       dev.reef.examples.demo.AgentMain researcher
#   docker run --rm -e REEF_AMQP_URI=... reef-demo-agent dev.reef.examples.cli.ReefCli mailboxes

# ---- build: the official Maven image with a JDK 17 ----
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
# The whole tree (see .dockerignore): the root pom names every module, and Maven needs them all.
COPY . .
# Tests run in CI, not in the image build (they need a broker). The Maven cache is kept between
# builds where BuildKit is on (the default of docker compose v2).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl reef-examples -am package -DskipTests

# ---- runtime: the official JRE 17 image, the shaded jar, an unprivileged user ----
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --no-create-home reef
WORKDIR /app
COPY --from=build /src/reef-examples/target/reef-cli.jar /app/reef-cli.jar
USER reef
# An agent writes this file once it listens; docker-compose.yml's health checks look for it.
ENV REEF_READY_FILE=/tmp/reef-agent.ready
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", "-cp", "/app/reef-cli.jar"]
CMD ["dev.reef.examples.cli.ReefCli", "--help"]
