// SPDX-License-Identifier: MIT
/*
 * I/O page faults (spec runtime 6.4): page requests parked until the last
 * of their PRG index, one response per group, the SVA handler's rules and
 * sticky errors, responses FAILURE (PRI stops until reset), INVALID and
 * SUCCESS, the fault queue's add, remove, flush and discard with their
 * errnos, responses dropped after removal, and the tricky cases of spec
 * runtime 10 (case10_NN).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine-helpers.h"

#define SZ_4K	0x1000ull
#define VA	0x10000000ull
#define R	IOK_FAULT_PERM_READ
#define W	IOK_FAULT_PERM_WRITE
#define X	IOK_FAULT_PERM_EXEC

/*
 *   01:00.0, 02:00.0  20-bit PASIDs and PRI, each alone
 *   03:00.0           PASIDs without PRI
 *   00:05.0           no IOMMU (no_iommu)
 * (config-space bytes: PORT(), EE, PASID()... of machine-helpers.h)
 */
static const char machine_json[] =
	"{'schema': 1, 'platform': {'iommu': '%s', 'kernel': '6.19', 'acs': 'final'}, 'devices': ["
	PORT("00:01.0", "01")
	"{'bdf': '01:00.0', 'id': '8086:0b25', 'pcie': 'endpoint', 'config': {" EE ", " PASID_PRI("0x14") "}},"
	PORT("00:02.0", "02")
	"{'bdf': '02:00.0', 'id': '8086:0b25', 'pcie': 'endpoint', 'config': {" EE ", " PASID_PRI("0x14") "}},"
	PORT("00:03.0", "03")
	"{'bdf': '03:00.0', 'id': '8086:0b25', 'pcie': 'endpoint', 'config': {" EE ", " PASID("0x14") "}},"
	"{'bdf': '00:05.0', 'id': '8086:0b26', 'pcie': 'rc_endpoint'}]}";

struct fx {
	struct t_fx;		/* ctx, t, m, f, sva */
	struct iok_mm *mm;
	struct iok_sva_handle *h;
	uint32_t pasid;
};

static int setup(void **state)
{
	return t_fx_alloc(state, sizeof(struct fx));
}

static int teardown(void **state)
{
	return t_fx_teardown(state);
}

static struct iok_dev *D(struct fx *f, const char *bdf)
{
	return t_dev(f->t, bdf);
}

static void boot_iommu(struct fx *f, const char *iommu)
{
	f->t = t_loadf(f->ctx, machine_json, iommu);
	t_param(f->t, "no_iommu", "0000:00:05.0");
	f->m = t_machine(f->t, NULL);
	f->f = t_fabric(f->m);
	f->sva = t_sva(f->f);
}

/* 01:00.0 bound to a process with four absent pages at VA (rw), one r, one rx. */
static void boot(struct fx *f)
{
	boot_iommu(f, "intel");
	assert_int_equal(iok_mm_new(f->sva, &f->mm), 0);
	assert_int_equal(iok_mm_map(f->mm, VA, 4 * SZ_4K, IOK_MM_READ | IOK_MM_WRITE,
				    IOK_MM_ABSENT), 0);
	assert_int_equal(iok_mm_map(f->mm, VA + 4 * SZ_4K, SZ_4K, IOK_MM_READ, IOK_MM_ABSENT), 0);
	assert_int_equal(iok_mm_map(f->mm, VA + 5 * SZ_4K, SZ_4K, IOK_MM_READ | IOK_MM_EXEC,
				    IOK_MM_ABSENT), 0);
	if (iok_sva_bind_device(D(f, "01:00.0"), f->mm, &f->h))
		fail_msg("bind: %s", iok_get_error(f->ctx));
	f->pasid = iok_sva_get_pasid(f->h);
}

static int report(struct fx *f, const char *bdf, uint32_t grpid, bool last, unsigned int perm,
		  uint64_t addr)
{
	struct iok_page_req req = {
		.flags = IOK_PRQ_PASID_VALID | (last ? IOK_PRQ_LAST_PAGE : 0),
		.pasid = f->pasid, .grpid = grpid, .perm = perm, .addr = addr,
	};

	return iok_report_device_fault(f->sva, D(f, bdf), &req);
}

static struct iok_pri_state pri(struct fx *f, const char *bdf)
{
	struct iok_pri_state st;

	assert_int_equal(iok_dev_get_pri_state(f->sva, D(f, bdf), &st), 0);
	return st;
}

static bool present(struct fx *f, uint64_t va)
{
	uint64_t pa;

	return !iok_mm_virt_to_phys(f->mm, va, &pa);
}

static struct iok_iopf_queue *queue(struct fx *f, const char *bdf)
{
	return iok_sva_get_iopf_queue(f->sva, iok_dev_get_unit(f->m, D(f, bdf)));
}

static int dma_read(struct fx *f, const char *bdf, uint64_t addr)
{
	struct iok_dma_req req = { .dev = D(f, bdf), .pasid = f->pasid, .addr = addr };
	char buf[4];

	return iok_fabric_dma_read(f->f, &req, buf, sizeof(buf), NULL);
}

/* spec 10 case 35: requests without LAST_PAGE are parked, unanswered. */
static void case10_35_partial_then_last(void **state)
{
	struct fx *f = *state;
	struct iok_pri_state st;

	boot(f);
	assert_true(pri(f, "01:00.0").in_queue);
	assert_int_equal(report(f, "01:00.0", 5, false, R, VA), 0);
	assert_int_equal(report(f, "01:00.0", 7, false, R, VA + 2 * SZ_4K), 0);
	st = pri(f, "01:00.0");
	assert_int_equal(st.partial, 2);
	assert_int_equal(st.last_code, -1);
	assert_false(present(f, VA));
	/* The last of PRG 5 gathers its partial: one group, one response. */
	assert_int_equal(report(f, "01:00.0", 5, true, W, VA + SZ_4K), 0);
	st = pri(f, "01:00.0");
	assert_int_equal(st.partial, 1);
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.responses[IOK_PAGE_RESP_SUCCESS], 1);
	assert_int_equal(st.last_code, IOK_PAGE_RESP_SUCCESS);
	assert_int_equal(st.last_grpid, 5);
	assert_true(present(f, VA));
	assert_true(present(f, VA + SZ_4K));
	assert_false(present(f, VA + 2 * SZ_4K));
	/* Overflow: the driver drops what is parked. */
	assert_int_equal(iok_iopf_queue_discard_partial(queue(f, "01:00.0")), 0);
	assert_int_equal(pri(f, "01:00.0").partial, 0);
	assert_int_equal(iok_iopf_queue_discard_partial(NULL), -EINVAL);
	/* A last request alone is a group of one. */
	assert_int_equal(report(f, "01:00.0", 7, true, R, VA + 2 * SZ_4K), 0);
	assert_true(present(f, VA + 2 * SZ_4K));
	assert_int_equal(pri(f, "01:00.0").responses[IOK_PAGE_RESP_SUCCESS], 2);
}

/* spec 10 case 35: no handler answers INVALID at once, -EINVAL to the driver. */
static void case10_35_no_handler(void **state)
{
	struct fx *f = *state;
	struct iok_page_req req = { .flags = IOK_PRQ_LAST_PAGE, .addr = VA, .perm = R };
	struct iok_domain *d;
	int cookie;

	boot(f);
	/* No handle at the PASID. */
	f->pasid = 77;
	assert_int_equal(report(f, "01:00.0", 1, true, R, VA), -EINVAL);
	assert_int_equal(pri(f, "01:00.0").responses[IOK_PAGE_RESP_INVALID], 1);
	/* Not the last: still answered, since nothing could take it. */
	assert_int_equal(report(f, "01:00.0", 2, false, R, VA), -EINVAL);
	assert_int_equal(pri(f, "01:00.0").responses[IOK_PAGE_RESP_INVALID], 2);
	assert_int_equal(pri(f, "01:00.0").partial, 0);
	/* A raw domain, and a handle on a domain without iopf_handler. */
	assert_int_equal(iok_domain_alloc_paging(f->m, D(f, "01:00.0"), &d), 0);
	assert_int_equal(iok_attach_device_pasid(d, D(f, "01:00.0"), 77, NULL), 0);
	assert_int_equal(report(f, "01:00.0", 1, true, R, VA), -EINVAL);
	assert_int_equal(iok_detach_device_pasid(d, D(f, "01:00.0"), 77), 0);
	assert_int_equal(iok_attach_device_pasid(d, D(f, "01:00.0"), 77, &cookie), 0);
	assert_int_equal(report(f, "01:00.0", 1, true, R, VA), -EINVAL);
	assert_int_equal(pri(f, "01:00.0").responses[IOK_PAGE_RESP_INVALID], 4);
	/* Without PASID_VALID the handle at PASID 0 would do: there is none. */
	assert_int_equal(iok_report_device_fault(f->sva, D(f, "01:00.0"), &req), -EINVAL);
	assert_int_equal(pri(f, "01:00.0").responses[IOK_PAGE_RESP_INVALID], 5);
	assert_false(present(f, VA));
}

/* The SVA handler: errors are sticky; rights as the VMA allows. */
static void spec6_4_sva_handler_rules(void **state)
{
	struct fx *f = *state;

	boot(f);
	/* The first request fails: the second is not handled. */
	assert_int_equal(report(f, "01:00.0", 3, false, R, VA + 0x100000), 0);
	assert_int_equal(report(f, "01:00.0", 3, true, R, VA), 0);
	assert_int_equal(pri(f, "01:00.0").last_code, IOK_PAGE_RESP_INVALID);
	assert_false(present(f, VA));
	/* Write to read-only, exec of non-exec: refused. */
	assert_int_equal(report(f, "01:00.0", 4, true, W, VA + 4 * SZ_4K), 0);
	assert_int_equal(pri(f, "01:00.0").last_code, IOK_PAGE_RESP_INVALID);
	assert_int_equal(report(f, "01:00.0", 4, true, X, VA), 0);
	assert_int_equal(pri(f, "01:00.0").last_code, IOK_PAGE_RESP_INVALID);
	assert_false(present(f, VA));
	/* Exec of rx, and a privileged read: the page comes. */
	assert_int_equal(report(f, "01:00.0", 4, true, X | R, VA + 5 * SZ_4K), 0);
	assert_int_equal(pri(f, "01:00.0").last_code, IOK_PAGE_RESP_SUCCESS);
	assert_true(present(f, VA + 5 * SZ_4K));
	assert_int_equal(report(f, "01:00.0", 4, true, R | IOK_FAULT_PERM_PRIV, VA + 4 * SZ_4K), 0);
	assert_true(present(f, VA + 4 * SZ_4K));
	assert_int_equal(pri(f, "01:00.0").responses[IOK_PAGE_RESP_INVALID], 3);
	assert_int_equal(pri(f, "01:00.0").responses[IOK_PAGE_RESP_SUCCESS], 2);
}

/* spec 10 case 34: a page request for an exited process is INVALID. */
static void case10_34_exited_mm_invalid(void **state)
{
	struct fx *f = *state;

	boot(f);
	assert_int_equal(iok_mm_exit(f->mm), 0);
	assert_int_equal(report(f, "01:00.0", 1, true, R, VA), 0);
	assert_int_equal(pri(f, "01:00.0").last_code, IOK_PAGE_RESP_INVALID);
	assert_int_equal(iok_sva_unbind_device(f->h), 0);
}

/*
 * spec 10 case 36: the handler cannot queue the group: FAILURE, and PCIe
 * PRI stops: the device sends no more requests until it is reset.
 */
static void case10_36_failure_stops_pri(void **state)
{
	struct fx *f = *state;
	struct iok_iommu_unit *u;
	struct iok_pri_state st;

	boot(f);
	u = iok_dev_get_unit(f->m, D(f, "01:00.0"));
	assert_int_equal(iok_iopf_queue_fail_next(queue(f, "01:00.0"), 1), 0);
	assert_int_equal(dma_read(f, "01:00.0", VA), -EFAULT);
	st = pri(f, "01:00.0");
	assert_int_equal(st.last_code, IOK_PAGE_RESP_FAILURE);
	assert_true(st.stopped);
	assert_int_equal(st.requests, 1);
	assert_int_equal(iok_unit_count_faults(u), 1);
	/* No request now: the next access just faults. */
	assert_int_equal(dma_read(f, "01:00.0", VA), -EFAULT);
	assert_int_equal(pri(f, "01:00.0").requests, 1);
	assert_int_equal(iok_unit_count_faults(u), 2);
	assert_false(present(f, VA));
	/* A reset brings PRI back. */
	assert_int_equal(iok_dev_reset_pri(f->sva, D(f, "01:00.0")), 0);
	assert_int_equal(dma_read(f, "01:00.0", VA), 0);
	assert_int_equal(pri(f, "01:00.0").requests, 2);
	assert_true(present(f, VA));
}

/* Queue membership and its errnos. */
static void spec6_4_queue_add_remove(void **state)
{
	struct fx *f = *state;
	struct iok_iopf_queue *q;
	unsigned int warns;

	boot(f);
	q = queue(f, "02:00.0");
	assert_int_equal(iok_iopf_queue_add_device(q, D(f, "02:00.0")), 0);
	assert_int_equal(iok_iopf_queue_add_device(q, D(f, "02:00.0")), -EBUSY);
	assert_int_equal(iok_iopf_queue_add_device(q, D(f, "00:05.0")), -EINVAL);
	assert_int_equal(iok_iopf_queue_add_device(NULL, D(f, "02:00.0")), -EINVAL);
	assert_int_equal(iok_iopf_queue_remove_device(q, D(f, "02:00.0")), 0);
	warns = iok_machine_get_warnings(f->m);
	assert_int_equal(iok_iopf_queue_remove_device(q, D(f, "02:00.0")), -EINVAL);
	assert_int_equal(iok_iopf_queue_flush_dev(f->sva, D(f, "02:00.0")), -ENODEV);
	assert_int_equal(iok_machine_get_warnings(f->m), warns + 2);
	/* A device in no queue with a fault-capable handle: a WARN, INVALID. */
	assert_int_equal(iok_iopf_queue_remove_device(q, D(f, "01:00.0")), 0);
	assert_int_equal(report(f, "01:00.0", 1, true, R, VA), -EINVAL);
	assert_int_equal(iok_machine_get_warnings(f->m), warns + 3);
	assert_int_equal(pri(f, "01:00.0").last_code, IOK_PAGE_RESP_INVALID);
	/* Bad requests. */
	assert_int_equal(report(f, "01:00.0", IOK_PRQ_GRPID_MAX + 1, true, R, VA), -EINVAL);
	assert_int_equal(report(f, "00:05.0", 1, true, R, VA), -ENODEV);
	assert_int_equal(iok_report_device_fault(f->sva, D(f, "01:00.0"), NULL), -EINVAL);
}

static void spec6_4_virtio_no_page_response(void **state)
{
	struct fx *f = *state;

	boot_iommu(f, "virtio");
	assert_int_equal(iok_iopf_queue_add_device(queue(f, "01:00.0"), D(f, "01:00.0")), -ENODEV);
}

/* A held worker: groups wait; removal answers them INVALID and cancels them. */
static void spec6_4_remove_answers_pending(void **state)
{
	struct fx *f = *state;
	struct iok_iopf_queue *q;
	struct iok_pri_state st;

	boot(f);
	q = queue(f, "01:00.0");
	assert_int_equal(iok_iopf_queue_hold(q, true), 0);
	assert_int_equal(report(f, "01:00.0", 1, false, R, VA), 0);
	assert_int_equal(report(f, "01:00.0", 2, true, R, VA + SZ_4K), 0);
	st = pri(f, "01:00.0");
	assert_int_equal(st.pending, 1);
	assert_int_equal(st.partial, 1);
	assert_int_equal(st.last_code, -1);
	assert_int_equal(iok_iopf_queue_count_work(q), 1);
	assert_int_equal(iok_iopf_queue_remove_device(q, D(f, "01:00.0")), 0);
	st = pri(f, "01:00.0");
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.partial, 0);
	assert_int_equal(st.last_code, IOK_PAGE_RESP_INVALID);
	assert_int_equal(iok_iopf_queue_count_work(q), 0);
	assert_false(present(f, VA + SZ_4K));
	/* Back in the queue: flush runs the waiting work. */
	assert_int_equal(iok_iopf_queue_add_device(q, D(f, "01:00.0")), 0);
	assert_int_equal(report(f, "01:00.0", 3, true, R, VA + SZ_4K), 0);
	assert_int_equal(pri(f, "01:00.0").pending, 1);
	assert_int_equal(iok_iopf_queue_flush_dev(f->sva, D(f, "01:00.0")), 0);
	assert_int_equal(pri(f, "01:00.0").last_code, IOK_PAGE_RESP_SUCCESS);
	assert_true(present(f, VA + SZ_4K));
	assert_int_equal(iok_iopf_queue_count_work(q), 0);
}

/* While the worker is held a DMA does not wait: it faults. */
static void spec6_4_dma_with_held_queue(void **state)
{
	struct fx *f = *state;
	struct iok_iopf_queue *q;

	boot(f);
	q = queue(f, "01:00.0");
	assert_int_equal(iok_iopf_queue_hold(q, true), 0);
	assert_int_equal(dma_read(f, "01:00.0", VA), -EFAULT);
	assert_int_equal(pri(f, "01:00.0").pending, 1);
	/* The response comes later; the device gave up, the page is there. */
	assert_int_equal(iok_iopf_queue_hold(q, false), 0);
	assert_int_equal(pri(f, "01:00.0").last_code, IOK_PAGE_RESP_SUCCESS);
	assert_true(present(f, VA));
	assert_int_equal(dma_read(f, "01:00.0", VA), 0);
	/* Unbind drains queued work before the PASID goes. */
	assert_int_equal(iok_iopf_queue_hold(q, true), 0);
	assert_int_equal(report(f, "01:00.0", 9, true, R, VA + SZ_4K), 0);
	assert_int_equal(iok_sva_unbind_device(f->h), 0);
	assert_int_equal(pri(f, "01:00.0").last_code, IOK_PAGE_RESP_SUCCESS);
	assert_true(present(f, VA + SZ_4K));
	assert_false(pri(f, "01:00.0").in_queue);
}

/*
 * A handler of its own keeps the group: removal answers it INVALID (and
 * frees it, as the kernel does); a group answered once drops any later
 * response.
 */
static struct iok_iopf_group *kept;

static int keep_handler(struct iok_iopf_group *g, void *arg)
{
	(*(int *)arg)++;
	kept = g;
	return 0;
}

static void spec6_4_late_response_dropped(void **state)
{
	struct fx *f = *state;
	struct iok_domain *d;
	int calls = 0, cookie;

	boot(f);
	assert_int_equal(iok_domain_alloc_paging(f->m, D(f, "02:00.0"), &d), 0);
	assert_int_equal(iok_domain_set_iopf_handler(d, keep_handler, &calls), 0);
	assert_int_equal(iok_attach_device_pasid(d, D(f, "02:00.0"), 40, &cookie), 0);
	assert_int_equal(iok_iopf_queue_add_device(queue(f, "02:00.0"), D(f, "02:00.0")), 0);
	f->pasid = 40;
	assert_int_equal(report(f, "02:00.0", 6, false, R, VA), 0);
	assert_int_equal(report(f, "02:00.0", 6, true, W, VA + SZ_4K), 0);
	assert_int_equal(calls, 1);
	assert_int_equal(iok_iopf_group_count_faults(kept), 2);
	assert_int_equal(iok_iopf_group_get_fault(kept, 0)->addr, VA);
	assert_int_equal(iok_iopf_group_get_fault(kept, 1)->perm, W);
	assert_null(iok_iopf_group_get_fault(kept, 2));
	assert_ptr_equal(iok_iopf_group_get_dev(kept), D(f, "02:00.0"));
	assert_ptr_equal(iok_iopf_group_get_domain(kept), d);
	assert_int_equal(pri(f, "02:00.0").pending, 1);
	assert_int_equal(iok_iopf_queue_remove_device(queue(f, "02:00.0"), D(f, "02:00.0")), 0);
	assert_int_equal(pri(f, "02:00.0").responses[IOK_PAGE_RESP_INVALID], 1);
	assert_int_equal(pri(f, "02:00.0").pending, 0);
	kept = NULL;
	assert_int_equal(iok_iopf_queue_add_device(queue(f, "02:00.0"), D(f, "02:00.0")), 0);
	assert_int_equal(report(f, "02:00.0", 7, true, R, VA), 0);
	iok_iopf_group_response(kept, IOK_PAGE_RESP_SUCCESS);
	iok_iopf_group_response(kept, IOK_PAGE_RESP_FAILURE);
	iok_iopf_free_group(kept);
	assert_int_equal(pri(f, "02:00.0").responses[IOK_PAGE_RESP_SUCCESS], 1);
	assert_int_equal(pri(f, "02:00.0").responses[IOK_PAGE_RESP_FAILURE], 0);
	assert_false(pri(f, "02:00.0").stopped);
	assert_int_equal(iok_detach_device_pasid(d, D(f, "02:00.0"), 40), 0);
	assert_string_equal(iok_page_resp_name(IOK_PAGE_RESP_FAILURE), "failure");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(case10_35_partial_then_last),
		T(case10_35_no_handler),
		T(spec6_4_sva_handler_rules),
		T(case10_34_exited_mm_invalid),
		T(case10_36_failure_stops_pri),
		T(spec6_4_queue_add_remove),
		T(spec6_4_virtio_no_page_response),
		T(spec6_4_remove_answers_pending),
		T(spec6_4_dma_with_held_queue),
		T(spec6_4_late_response_dropped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
