/*
 * test_billing.c - the pure rules of src/billing/billing.h: the plans list, what
 * each subscription status means, and billing_merge, which decides how a
 * webhook changes a user's Stripe state (ordering by event time, terminal
 * statuses, another subscription, payment failures, links, field limits).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "billing.h"

#define T0_MS 1700000000000LL

/* A user who checked out: pro on sub_1 of cus_1, last set at T0. */
static struct user_stripe_state pro_user(void)
{
    struct user_stripe_state s;

    memset(&s, 0, sizeof(s));
    s.plan = CV_PLAN_PRO;
    (void)snprintf(s.customer_id, sizeof(s.customer_id), "cus_1");
    (void)snprintf(s.subscription_id, sizeof(s.subscription_id), "sub_1");
    (void)snprintf(s.subscription_status, sizeof(s.subscription_status), "active");
    s.updated_at_ms = T0_MS;
    return s;
}

static bool same(const struct user_stripe_state *a, const struct user_stripe_state *b)
{
    return a->plan == b->plan && a->payment_failed == b->payment_failed &&
           a->updated_at_ms == b->updated_at_ms &&
           strcmp(a->customer_id, b->customer_id) == 0 &&
           strcmp(a->subscription_id, b->subscription_id) == 0 &&
           strcmp(a->subscription_status, b->subscription_status) == 0;
}

static struct billing_change sub_change(const char *sub, const char *status, int64_t at_ms)
{
    return (struct billing_change){ BILLING_CHANGE_SUBSCRIPTION, "cus_1", sub, status, at_ms };
}

static void test_plans(void **state)
{
    struct cv_config cfg;
    struct billing_plan plans[BILLING_PLAN_COUNT];

    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    cfg.stripe_price_id_pro = "price_123";
    billing_plans(&cfg, plans);   /* no secret key: billing off, no price shown */
    assert_int_equal(plans[0].plan, CV_PLAN_FREE);
    assert_int_equal(plans[0].analyses_per_month, 3);
    assert_null(plans[0].price_id);
    assert_int_equal(plans[1].plan, CV_PLAN_PRO);
    assert_int_equal(plans[1].analyses_per_month, 100);
    assert_null(plans[1].price_id);
    cfg.stripe_secret_key = "sk_test_1";
    billing_plans(&cfg, plans);
    assert_null(plans[0].price_id);
    assert_string_equal(plans[1].price_id, "price_123");
}

static void test_status_effects(void **state)
{
    static const struct {
        const char *status;
        enum cv_plan plan;
        int payment_failed;
        bool terminal;
    } cases[] = {
        { "active", CV_PLAN_PRO, 0, false },
        { "trialing", CV_PLAN_PRO, 0, false },
        { "past_due", CV_PLAN_PRO, 1, false },
        { "unpaid", CV_PLAN_FREE, 1, false },
        { "incomplete", CV_PLAN_FREE, -1, false },
        { "paused", CV_PLAN_FREE, -1, false },
        { "canceled", CV_PLAN_FREE, -1, true },
        { "incomplete_expired", CV_PLAN_FREE, -1, true },
    };
    struct billing_status_effect e;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_true(billing_status_effect(cases[i].status, &e));
        assert_int_equal(e.plan, cases[i].plan);
        assert_int_equal(e.payment_failed, cases[i].payment_failed);
        assert_int_equal(e.terminal, cases[i].terminal);
    }
    assert_false(billing_status_effect("Active", &e));
    assert_false(billing_status_effect("cancelled", &e));
    assert_false(billing_status_effect("", &e));
    assert_false(billing_status_effect(NULL, &e));
}

static void test_first_subscription_event_on_a_fresh_user(void **state)
{
    struct user_stripe_state cur, next;
    struct billing_change chg = sub_change("sub_9", "trialing", T0_MS);

    (void)state;
    memset(&cur, 0, sizeof(cur));
    chg.customer_id = "cus_9";
    assert_true(billing_merge(&cur, &chg, &next));
    assert_int_equal(next.plan, CV_PLAN_PRO);
    assert_string_equal(next.customer_id, "cus_9");
    assert_string_equal(next.subscription_id, "sub_9");
    assert_string_equal(next.subscription_status, "trialing");
    assert_false(next.payment_failed);
    assert_int_equal(next.updated_at_ms, T0_MS);
}

static void test_ordering_older_ignored_equal_and_newer_applied(void **state)
{
    struct user_stripe_state cur = pro_user(), next;
    struct billing_change chg = sub_change("sub_1", "unpaid", T0_MS - 1000);

    (void)state;
    assert_false(billing_merge(&cur, &chg, &next));          /* older: ignored */
    assert_true(same(&cur, &next));
    chg.event_created_ms = T0_MS;                             /* equal: last writer wins */
    assert_true(billing_merge(&cur, &chg, &next));
    assert_int_equal(next.plan, CV_PLAN_FREE);
    assert_string_equal(next.subscription_status, "unpaid");
    assert_true(next.payment_failed);
    chg = sub_change("sub_1", "active", T0_MS + 1000);        /* newer: applied */
    cur = next;
    assert_true(billing_merge(&cur, &chg, &next));
    assert_int_equal(next.plan, CV_PLAN_PRO);
    assert_false(next.payment_failed);
    assert_int_equal(next.updated_at_ms, T0_MS + 1000);
}

static void test_reapplying_the_same_change_changes_nothing(void **state)
{
    struct user_stripe_state cur = pro_user(), next, again;
    struct billing_change chg = sub_change("sub_1", "past_due", T0_MS + 5);

    (void)state;
    assert_true(billing_merge(&cur, &chg, &next));
    assert_false(billing_merge(&next, &chg, &again));
    assert_true(same(&next, &again));
}

static void test_terminal_status_never_revived(void **state)
{
    struct user_stripe_state cur = pro_user(), next;
    struct billing_change chg;

    (void)state;
    (void)snprintf(cur.subscription_status, sizeof(cur.subscription_status), "canceled");
    cur.plan = CV_PLAN_FREE;
    chg = sub_change("sub_1", "active", T0_MS);                /* same second */
    assert_false(billing_merge(&cur, &chg, &next));
    chg.event_created_ms = T0_MS + 60000;                      /* even later */
    assert_false(billing_merge(&cur, &chg, &next));
    assert_int_equal(next.plan, CV_PLAN_FREE);
    (void)snprintf(cur.subscription_status, sizeof(cur.subscription_status),
                   "incomplete_expired");
    assert_false(billing_merge(&cur, &chg, &next));
    /* a new subscription after a canceled one is a new start */
    chg = sub_change("sub_2", "active", T0_MS + 1);
    assert_true(billing_merge(&cur, &chg, &next));
    assert_string_equal(next.subscription_id, "sub_2");
    assert_int_equal(next.plan, CV_PLAN_PRO);
}

static void test_another_subscription(void **state)
{
    struct user_stripe_state cur = pro_user(), next;
    struct billing_change chg;

    (void)state;
    /* an old one ending does not downgrade the paying one */
    chg = sub_change("sub_0", "canceled", T0_MS + 1000);
    assert_false(billing_merge(&cur, &chg, &next));
    assert_string_equal(next.subscription_id, "sub_1");
    assert_int_equal(next.plan, CV_PLAN_PRO);
    /* another one granting pro takes over */
    chg = sub_change("sub_2", "active", T0_MS + 1000);
    assert_true(billing_merge(&cur, &chg, &next));
    assert_string_equal(next.subscription_id, "sub_2");
    /* when the linked one grants nothing, another one's state is recorded */
    (void)snprintf(cur.subscription_status, sizeof(cur.subscription_status), "unpaid");
    cur.plan = CV_PLAN_FREE;
    chg = sub_change("sub_3", "incomplete", T0_MS + 1000);
    assert_true(billing_merge(&cur, &chg, &next));
    assert_string_equal(next.subscription_id, "sub_3");
    assert_string_equal(next.subscription_status, "incomplete");
}

static void test_unknown_status_or_no_subscription_changes_nothing(void **state)
{
    struct user_stripe_state cur, next;
    struct billing_change chg = sub_change("sub_1", "bogus", T0_MS);

    (void)state;
    memset(&cur, 0, sizeof(cur));
    assert_false(billing_merge(&cur, &chg, &next));
    assert_string_equal(next.customer_id, "");   /* not even the customer */
    chg = sub_change(NULL, "active", T0_MS);
    assert_true(billing_merge(&cur, &chg, &next));   /* only the customer is linked */
    assert_string_equal(next.customer_id, "cus_1");
    assert_int_equal(next.plan, CV_PLAN_FREE);
    assert_int_equal(next.updated_at_ms, 0);
}

static void test_payment_failed(void **state)
{
    struct user_stripe_state cur = pro_user(), next;
    struct billing_change chg = { BILLING_CHANGE_PAYMENT_FAILED, "cus_1", "sub_1", NULL,
                                  T0_MS + 10 };

    (void)state;
    assert_true(billing_merge(&cur, &chg, &next));
    assert_true(next.payment_failed);
    assert_int_equal(next.plan, CV_PLAN_PRO);   /* the plan stays while Stripe retries */
    assert_string_equal(next.subscription_status, "active");
    assert_int_equal(next.updated_at_ms, T0_MS + 10);
    chg.event_created_ms = T0_MS - 10;           /* older than the state: ignored */
    assert_false(billing_merge(&cur, &chg, &next));
    chg = (struct billing_change){ BILLING_CHANGE_PAYMENT_FAILED, "cus_1", "sub_0", NULL,
                                   T0_MS + 10 };  /* another subscription's invoice */
    assert_false(billing_merge(&cur, &chg, &next));
    chg.subscription_id = NULL;                  /* an invoice naming none */
    assert_true(billing_merge(&cur, &chg, &next));
    assert_true(next.payment_failed);
    /* a later "active" clears it, "canceled" keeps it */
    cur = next;
    chg = sub_change("sub_1", "canceled", T0_MS + 20);
    assert_true(billing_merge(&cur, &chg, &next));
    assert_true(next.payment_failed);
    chg = sub_change("sub_1", "active", T0_MS + 20);
    assert_true(billing_merge(&cur, &chg, &next));
    assert_false(next.payment_failed);
}

static void test_link_only(void **state)
{
    struct user_stripe_state cur, next;
    struct billing_change chg = { BILLING_CHANGE_LINK, "cus_5", "sub_5", NULL, T0_MS };

    (void)state;
    memset(&cur, 0, sizeof(cur));
    assert_true(billing_merge(&cur, &chg, &next));
    assert_string_equal(next.customer_id, "cus_5");
    assert_string_equal(next.subscription_id, "sub_5");
    assert_int_equal(next.plan, CV_PLAN_FREE);
    assert_int_equal(next.updated_at_ms, 0);
    assert_string_equal(next.subscription_status, "");
    cur = pro_user();                               /* an existing link is kept */
    assert_false(billing_merge(&cur, &chg, &next));
    assert_string_equal(next.customer_id, "cus_1");
    assert_string_equal(next.subscription_id, "sub_1");
}

static void test_customer_filled_even_when_stale(void **state)
{
    struct user_stripe_state cur = pro_user(), next;
    struct billing_change chg = sub_change("sub_1", "canceled", T0_MS - 5000);

    (void)state;
    cur.customer_id[0] = '\0';
    assert_true(billing_merge(&cur, &chg, &next));
    assert_string_equal(next.customer_id, "cus_1");
    assert_int_equal(next.plan, CV_PLAN_PRO);
    assert_string_equal(next.subscription_status, "active");
}

static void test_id_length_limit(void **state)
{
    char id[USER_STRIPE_ID_MAX_BYTES + 2];
    struct user_stripe_state cur, next;
    struct billing_change chg;

    (void)state;
    memset(&cur, 0, sizeof(cur));
    memset(id, 'a', sizeof(id) - 1);
    id[USER_STRIPE_ID_MAX_BYTES] = '\0';                   /* the max: kept */
    chg = sub_change(id, "active", T0_MS);
    assert_true(billing_merge(&cur, &chg, &next));
    assert_string_equal(next.subscription_id, id);
    chg.customer_id = id;
    assert_true(billing_merge(&cur, &chg, &next));
    assert_string_equal(next.customer_id, id);
    id[USER_STRIPE_ID_MAX_BYTES] = 'a';                    /* max + 1: refused */
    id[USER_STRIPE_ID_MAX_BYTES + 1] = '\0';
    chg = sub_change(id, "active", T0_MS);
    assert_false(billing_merge(&cur, &chg, &next));
    assert_true(same(&cur, &next));
    chg = sub_change("sub_1", "active", T0_MS);
    chg.customer_id = id;
    assert_false(billing_merge(&cur, &chg, &next));
    assert_true(same(&cur, &next));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plans),
        cmocka_unit_test(test_status_effects),
        cmocka_unit_test(test_first_subscription_event_on_a_fresh_user),
        cmocka_unit_test(test_ordering_older_ignored_equal_and_newer_applied),
        cmocka_unit_test(test_reapplying_the_same_change_changes_nothing),
        cmocka_unit_test(test_terminal_status_never_revived),
        cmocka_unit_test(test_another_subscription),
        cmocka_unit_test(test_unknown_status_or_no_subscription_changes_nothing),
        cmocka_unit_test(test_payment_failed),
        cmocka_unit_test(test_link_only),
        cmocka_unit_test(test_customer_filled_even_when_stale),
        cmocka_unit_test(test_id_length_limit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
