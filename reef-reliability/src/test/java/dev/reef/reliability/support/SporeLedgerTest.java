package dev.reef.reliability.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SporeLedgerTest {
  @Test
  void countsDuplicatesAndLostAgainstConfirmedIds() {
    SporeLedger ledger = new SporeLedger("unit");
    for (String id : new String[] {"a", "b", "c", "d"}) {
      ledger.sent();
      ledger.confirmed(id);
    }
    ledger.sent();
    ledger.sendFailed();
    ledger.delivered("a");
    ledger.delivered("a");
    assertThat(ledger.delivered("b")).isEqualTo(1);
    ledger.deadLettered("c");

    assertThat(ledger.sentCount()).isEqualTo(5);
    assertThat(ledger.sendFailureCount()).isEqualTo(1);
    assertThat(ledger.confirmedCount()).isEqualTo(4);
    assertThat(ledger.deliveredCount()).isEqualTo(2);
    assertThat(ledger.deliveryCount()).isEqualTo(3);
    assertThat(ledger.duplicateCount()).isEqualTo(1);
    assertThat(ledger.deadLetteredCount()).isEqualTo(1);
    assertThat(ledger.lostCount()).isEqualTo(1);
    assertThat(ledger.lostIds(10)).containsExactly("d");
  }

  @Test
  void summaryTableHasOneRowPerCase() {
    new SporeLedger("unit-row").report("note | with pipe");
    assertThat(ReliabilitySummary.markdown())
        .contains("| Case | Sent | Confirmed | Delivered | Duplicated | Dead-lettered | Lost |")
        .contains("| unit-row | 0 | 0 | 0 | 0 | 0 | 0 | note \\| with pipe |");
  }
}
