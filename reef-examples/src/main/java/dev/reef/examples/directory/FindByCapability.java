package dev.reef.examples.directory;

import dev.reef.GatherOptions;
import dev.reef.GatherResult;
import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.directory.AgentCard;
import dev.reef.directory.AgentDirectory;
import dev.reef.directory.CapabilityGather;
import dev.reef.directory.DirectoryEntry;
import dev.reef.directory.DirectoryQuery;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Agents that find each other by what they can do, not by name: a researcher and an analyst
 * register cards with their capabilities; the coordinator, which knows neither name, discovers them
 * (by kind {@code llm}, by capability {@code research} and {@code risk}), asks the one that
 * researches, then gathers from every live agent that can weigh risks. In memory, in one JVM; on
 * RabbitMQ the same code runs on {@code Reef.connect(uri)}, with the agents in separate processes.
 */
public final class FindByCapability {
  private FindByCapability() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    run(System.out);
  }

  /**
   * Runs the example, printing to {@code out}.
   *
   * @param out where the story goes
   * @return the names the coordinator found by capability: the researcher, then the risk gather's
   *     answerers
   */
  public static List<String> run(PrintStream out) {
    try (Reef reef = Reef.inMemory()) {
      // README:directory:start
      ReefChannel research = reef.channel("research");
      AgentDirectory directory = reef.directory(); // one per reef, closed with it
      // The agents: each subscribes and registers a card with its kind and capabilities.
      research.subscribe("researcher", s -> answer(research, s, "researcher", "3 sources found"));
      directory.register(
          "research",
          AgentCard.builder("researcher")
              .kind("llm.researcher")
              .capabilities("research", "web")
              .version("1.0")
              .build());
      research.subscribe("analyst", s -> answer(research, s, "analyst", "risk: moderate"));
      directory.register(
          "research",
          AgentCard.builder("analyst")
              .kind("llm.analyst")
              .capabilities("risk")
              .version("2.1")
              .build());
      research.declareMailbox("coordinator");

      // The coordinator knows capabilities, not names.
      for (DirectoryEntry e : directory.discover("research", DirectoryQuery.kind("llm"))) {
        out.println(
            "found "
                + e.name()
                + " ("
                + e.card().kind()
                + ", "
                + e.card().capabilities()
                + ", "
                + e.state()
                + ")");
      }
      String researcher =
          directory
              .discover("research", DirectoryQuery.capability("research").liveOnly())
              .get(0)
              .name();
      Spore found =
          research
              .ask("coordinator", researcher, Map.of("topic", "reefs"), Duration.ofSeconds(5))
              .join();
      // README:directory:end
      out.println(researcher + " answered: " + found.knowledge().get("answer"));
      GatherResult risk =
          CapabilityGather.gather(
                  directory,
                  research,
                  "coordinator",
                  DirectoryQuery.capability("risk"),
                  Map.of("assess", found.knowledge().get("answer")),
                  GatherOptions.custom().timeout(Duration.ofSeconds(5)).build())
              .join();
      for (Spore r : risk.replies()) {
        out.println(r.fromAgent() + " answered: " + r.knowledge().get("answer"));
      }
      out.println("did not answer: " + risk.missing());
      List<String> names = new java.util.ArrayList<>(List.of(researcher));
      risk.replies().forEach(r -> names.add(r.fromAgent()));
      return names;
    }
  }

  private static void answer(ReefChannel channel, Spore s, String me, String text) {
    if (s.type() == SporeType.REQUEST) {
      channel.reply(s, me, Map.of("answer", text));
    }
  }
}
