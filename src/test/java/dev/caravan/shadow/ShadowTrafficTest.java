package dev.caravan.shadow;

import dev.caravan.accounting.Metering;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/**
 * The shadow pool's bound: Camel's wireTap fails the client's exchange when its pool throws on a full queue, so a
 * copy with no room must be dropped and counted without an exception and without waiting.
 */
class ShadowTrafficTest {

    @Test
    void a_copy_the_full_pool_has_no_room_for_is_dropped_and_counted_without_blocking_or_throwing() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        beans.addBean("meters", meters);
        ShadowTraffic shadow = new ShadowTraffic(new Metering(record -> { }), new ShadowProperties(false, 1, 1),
                beans.getBeanProvider(MeterRegistry.class));
        ExecutorService pool = shadow.executor();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        Runnable held = () -> {
            ran.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try {
            pool.submit(held);
            await().until(() -> ran.get() == 1);
            pool.submit(held);

            // the one thread is busy and the one queue place taken: the third is dropped at once
            assertThatCode(() -> pool.submit(ran::incrementAndGet)).doesNotThrowAnyException();

            assertThat(shadow.dropped()).isEqualTo(1);
            assertThat(meters.get("caravan.shadow.dropped").functionCounter().count()).isEqualTo(1.0);
            release.countDown();
            await().until(() -> ran.get() == 2);
            assertThat(shadow.dropped()).isEqualTo(1);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }
}
