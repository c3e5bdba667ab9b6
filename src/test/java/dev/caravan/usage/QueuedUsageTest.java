package dev.caravan.usage;

import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * A full queue sends records to the spool in batches, never one file per request, and loses none of them; each is
 * journaled first, and confirmed to the journal once spooled.
 */
class QueuedUsageTest {

    @Test
    void records_that_find_the_queue_full_reach_the_spool_in_batches_and_all_of_them() {
        ProducerTemplate producer = mock(ProducerTemplate.class);
        when(producer.getCamelContext()).thenReturn(new DefaultCamelContext());
        doThrow(new IllegalStateException("Queue full")).when(producer).sendBody(any(Endpoint.class), any());
        UsageSpool spool = mock(UsageSpool.class);
        UsageJournal journal = mock(UsageJournal.class);
        QueuedUsage sink = new QueuedUsage(producer, spool, journal, properties());
        int records = QueuedUsage.OVERFLOW_BATCH * 2 + 500;

        IntStream.range(0, records).forEach(i -> sink.record(SampleRecords.failed("gen_" + i,
                "2026-01-16T12:00:00Z", "env", "alice", "openai/gpt-5")));
        verify(spool, times(2)).spool(anyList());
        sink.spoolOverflow();

        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<UsageRecord>> batches = ArgumentCaptor.forClass(List.class);
        verify(spool, times(3)).spool(batches.capture());
        List<String> ids = new ArrayList<>();
        batches.getAllValues().forEach(batch -> batch.forEach(r -> ids.add(r.id())));
        assertThat(batches.getAllValues()).extracting(List::size)
                .containsExactly(QueuedUsage.OVERFLOW_BATCH, QueuedUsage.OVERFLOW_BATCH, 500);
        assertThat(ids).doesNotHaveDuplicates().hasSize(records);
        sink.spoolOverflow();
        verify(spool, times(3)).spool(anyList());
        verify(producer, times(records)).sendBody(any(Endpoint.class), any());
        // journaled before queued, each once; the journal lets go of them once spooled
        verify(journal, times(records)).append(any());
        verify(journal, times(3)).confirm(anyList());
    }

    private static UsageProperties properties() {
        return new org.springframework.boot.context.properties.bind.Binder(
                new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(
                        java.util.Map.of())).bindOrCreate("caravan.usage", UsageProperties.class);
    }
}
