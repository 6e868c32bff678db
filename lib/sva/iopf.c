// SPDX-License-Identifier: MIT
/*
 * I/O page faults (spec runtime 6.4): the core's io-pgfault (fault queues,
 * parked partial requests, groups handed to the domain's handler, the one
 * response per group) and the device's side of PCIe PRI: a DMA through a
 * PASID that misses a page sends a page request with a fresh PRG index,
 * waits for the response and retries on SUCCESS; a FAILURE response stops
 * the device's page requests until it is reset.
 *
 * The queue's worker runs a handled group at once unless the queue is held,
 * which lets tests see groups pending, flushed and cancelled.
 */
#include "lib/sva/sva-private.h"

IOK_EXPORT const char *iok_page_resp_name(int code)
{
	switch (code) {
	case IOK_PAGE_RESP_SUCCESS: return "success";
	case IOK_PAGE_RESP_INVALID: return "invalid";
	case IOK_PAGE_RESP_FAILURE: return "failure";
	}
	return "none";
}

struct iok_iopf_queue *iok_iopf_queue_of(const struct iok_sva *sva, const struct iok_dev *dev)
{
	return SD(sva, dev)->queue;
}

IOK_EXPORT struct iok_iopf_queue *iok_sva_get_iopf_queue(const struct iok_sva *sva,
							 const struct iok_iommu_unit *u)
{
	unsigned int i;

	for (i = 0; sva && i < sva->nr_queues; i++)
		if (sva->queues[i].u == u)
			return &sva->queues[i];
	return NULL;
}

/* ---- the device's PRI ----------------------------------------------------- */

/* ops->page_response(): the response reaches the device. */
static void page_response(struct iok_sva *sva, struct iok_dev *dev,
			  const struct iok_page_req *last, int code)
{
	struct sva_dev *sd = SD(sva, dev);

	sd->responses[code]++;
	sd->last_code = code;
	sd->last_grpid = last->grpid;
	/* PRI "Response Failure": the function sends no more requests. */
	if (code == IOK_PAGE_RESP_FAILURE)
		sd->stopped = true;
	if (sd->waiting && last->grpid == sd->wait_grpid)
		sd->wait_code = code;
}

static bool pri_capable(const struct iok_sva *sva, const struct iok_dev *dev)
{
	struct iok_pasid_info in;

	return !iok_dev_get_pasid_info(sva->m, dev, &in) && in.pri;
}

/*
 * The unit could not translate a PASID-tagged access: a device with PRI on
 * asks for the page and waits. Return: the response, or -ENODEV when the
 * device sends no request (the fault is then recorded).
 */
static int page_request(struct iok_iommu_unit *u, const struct iok_fault *f, void *arg)
{
	struct iok_sva *sva = arg;
	struct sva_dev *sd;
	struct iok_page_req req;

	if (!sva_has_dev(sva, f->dev))
		return -ENODEV;
	sd = SD(sva, f->dev);
	if (!sd->queue || sd->stopped || !pri_capable(sva, f->dev))
		return -ENODEV;
	req = (struct iok_page_req){
		.flags = IOK_PRQ_PASID_VALID | IOK_PRQ_LAST_PAGE,
		.pasid = f->pasid,
		.grpid = sd->next_grpid,
		.perm = f->access & (IOK_FAULT_PERM_READ | IOK_FAULT_PERM_WRITE),
		.addr = f->addr & PAGE_MASK,
	};
	sd->next_grpid = (sd->next_grpid + 1) & IOK_PRQ_GRPID_MAX;
	sd->requests++;
	sd->waiting = true;
	sd->wait_grpid = req.grpid;
	sd->wait_code = -ETIMEDOUT;
	iok_report_device_fault(sva, f->dev, &req);
	sd->waiting = false;
	return sd->wait_code;
}

/* ---- queues --------------------------------------------------------------- */

int iok_iopf_init(struct iok_sva *sva)
{
	unsigned int i, n = iok_machine_count_units(sva->m);
	int rc;

	sva->queues = calloc(n + 1, sizeof(*sva->queues));
	if (!sva->queues)
		return -ENOMEM;
	for (i = 0; i < sva->nr_devs; i++)
		sva->devs[i].last_code = -1;
	for (i = 0; i < n; i++) {
		struct iok_iommu_unit *u = iok_machine_get_unit(sva->m, i);

		rc = iok_unit_set_page_request_fn(u, page_request, sva);
		if (rc)
			return rc;
		sva->queues[i] = (struct iok_iopf_queue){ .sva = sva, .u = u };
		sva->nr_queues++;
	}
	return 0;
}

static void work_unlink(struct iok_iopf_queue *q, struct iok_iopf_group *g)
{
	struct iok_iopf_group **pp, *prev = NULL;

	for (pp = &q->work; *pp && *pp != g; pp = &(*pp)->next_work)
		prev = *pp;
	if (!*pp)
		return;
	*pp = g->next_work;
	if (q->work_tail == g)
		q->work_tail = prev;
	g->queued = false;
	q->nr_work--;
}

static void pending_unlink(struct sva_dev *sd, struct iok_iopf_group *g)
{
	struct iok_iopf_group **pp;

	for (pp = &sd->pending; *pp && *pp != g; pp = &(*pp)->next_pending)
		;
	if (*pp)
		*pp = g->next_pending;
	g->pending = false;
}

static void partial_free(struct sva_dev *sd)
{
	while (sd->partial) {
		struct pr_fault *p = sd->partial;

		sd->partial = p->next;
		free(p);
	}
	sd->partial_tail = NULL;
}

/* Run the worker until nothing is queued. Return: the groups run. */
static unsigned int queue_run(struct iok_iopf_queue *q)
{
	unsigned int n = 0;

	while (q->work) {
		struct iok_iopf_group *g = q->work;

		work_unlink(q, g);
		g->work(g);
		n++;
	}
	return n;
}

void iok_iopf_queue_work(struct iok_iopf_group *g, void (*fn)(struct iok_iopf_group *g))
{
	struct iok_iopf_queue *q = SD(g->sva, g->dev)->queue;

	g->work = fn;
	g->next_work = NULL;
	g->queued = true;
	if (q->work_tail)
		q->work_tail->next_work = g;
	else
		q->work = g;
	q->work_tail = g;
	q->nr_work++;
	if (!q->hold)
		queue_run(q);
}

static int queue_add(struct iok_iopf_queue *q, struct iok_dev *dev)
{
	struct iok_sva *sva = q->sva;
	struct sva_dev *sd;

	if (!iok_unit_has_page_response(q->u))
		return iok_fail(sva->ctx, -ENODEV, "%s: the %s driver has no page_response",
				iok_dev_get_name(dev), iok_unit_get_driver(q->u));
	sd = SD(sva, dev);
	if (sd->queue)
		return iok_fail(sva->ctx, -EBUSY, "%s is in an IOPF queue already",
				iok_dev_get_name(dev));
	sd->queue = q;
	return 0;
}

IOK_EXPORT int iok_iopf_queue_add_device(struct iok_iopf_queue *q, struct iok_dev *dev)
{
	if (!q || !sva_has_dev(q->sva, dev))
		return -EINVAL;
	if (iok_dev_get_unit(q->sva->m, dev) != q->u)
		return iok_fail(q->sva->ctx, -EINVAL, "%s is not behind %s", iok_dev_get_name(dev),
				iok_unit_get_name(q->u));
	return queue_add(q, dev);
}

static void queue_remove(struct iok_iopf_queue *q, struct iok_dev *dev)
{
	struct iok_sva *sva = q->sva;
	struct sva_dev *sd = SD(sva, dev);

	partial_free(sd);
	while (sd->pending) {
		struct iok_iopf_group *g = sd->pending;

		page_response(sva, dev, &g->faults[g->nr - 1], IOK_PAGE_RESP_INVALID);
		pending_unlink(sd, g);
		/* Its work will not run: the response has gone. */
		iok_iopf_free_group(g);
	}
	sd->queue = NULL;
}

IOK_EXPORT int iok_iopf_queue_remove_device(struct iok_iopf_queue *q, struct iok_dev *dev)
{
	if (!q || !sva_has_dev(q->sva, dev))
		return -EINVAL;
	if (SD(q->sva, dev)->queue != q)
		return iok_machine_warn(q->sva->m, -EINVAL, "%s is not in the IOPF queue of %s",
					iok_dev_get_name(dev), iok_unit_get_name(q->u));
	queue_remove(q, dev);
	return 0;
}

IOK_EXPORT int iok_iopf_queue_flush_dev(struct iok_sva *sva, struct iok_dev *dev)
{
	struct iok_iopf_queue *q;

	if (!sva_has_dev(sva, dev))
		return -EINVAL;
	q = SD(sva, dev)->queue;
	if (!q)
		return iok_machine_warn(sva->m, -ENODEV, "%s: flushing faults of a device in no queue",
					iok_dev_get_name(dev));
	queue_run(q);
	return 0;
}

IOK_EXPORT int iok_iopf_queue_discard_partial(struct iok_iopf_queue *q)
{
	unsigned int i;

	if (!q)
		return -EINVAL;
	for (i = 0; i < q->sva->nr_devs; i++)
		if (q->sva->devs[i].queue == q)
			partial_free(&q->sva->devs[i]);
	return 0;
}

IOK_EXPORT int iok_iopf_queue_hold(struct iok_iopf_queue *q, bool hold)
{
	if (!q)
		return -EINVAL;
	q->hold = hold;
	if (!hold)
		queue_run(q);
	return 0;
}

IOK_EXPORT unsigned int iok_iopf_queue_count_work(const struct iok_iopf_queue *q)
{
	return q ? q->nr_work : 0;
}

IOK_EXPORT int iok_iopf_queue_fail_next(struct iok_iopf_queue *q, unsigned int n)
{
	if (!q)
		return -EINVAL;
	q->fail_next = n;
	return 0;
}

void iok_iopf_fini(struct iok_sva *sva)
{
	unsigned int i;

	for (i = 0; sva->devs && i < sva->topo->nr_devs; i++) {
		struct iok_dev *dev = sva->topo->devs[i];

		if (SD(sva, dev)->queue)
			queue_remove(SD(sva, dev)->queue, dev);
	}
	for (i = 0; i < sva->nr_queues; i++)
		iok_unit_set_page_request_fn(sva->queues[i].u, NULL, NULL);
	free(sva->queues);
	sva->queues = NULL;
	sva->nr_queues = 0;
}

/* An SVA bond turns IOPF on for a PRI-capable device, as the driver does. */
void iok_iopf_get(struct iok_sva *sva, struct iok_dev *dev)
{
	struct sva_dev *sd = SD(sva, dev);
	struct iok_iopf_queue *q;

	if (sd->iopf_refs++)
		return;
	q = iok_sva_get_iopf_queue(sva, iok_dev_get_unit(sva->m, dev));
	sd->iopf_ours = q && !sd->queue && !queue_add(q, dev);
}

void iok_iopf_put(struct iok_sva *sva, struct iok_dev *dev)
{
	struct sva_dev *sd = SD(sva, dev);

	if (!sd->iopf_refs || --sd->iopf_refs)
		return;
	if (sd->iopf_ours && sd->queue)
		queue_remove(sd->queue, dev);
	sd->iopf_ours = false;
}

/* ---- reporting ------------------------------------------------------------ */

/* find_fault_handler(): the handle at the PASID (at 0 without one). */
static int find_handler(struct iok_sva *sva, struct iok_dev *dev, const struct iok_page_req *req,
			const void **handle, struct iok_domain **d)
{
	struct iok_rgroup *rg = iok_dev_get_rgroup(sva->m, dev);
	uint32_t pasid = req->flags & IOK_PRQ_PASID_VALID ? req->pasid : IOK_NO_PASID;

	/* No model driver has a user-managed PASID table (nested handles). */
	if (iok_attach_handle_get(rg, pasid, 0, handle, d))
		return iok_fail(sva->ctx, -EINVAL, "%s: no handle at PASID %u", iok_dev_get_name(dev),
				pasid);
	if (!iok_domain_get_iopf_handler(*d, NULL))
		return iok_fail(sva->ctx, -EINVAL, "%s: the %s domain at PASID %u handles no faults",
				iok_dev_get_name(dev), iok_domain_type_name(iok_domain_get_type(*d)),
				pasid);
	return 0;
}

static int check_req(struct iok_sva *sva, struct iok_dev *dev, const struct iok_page_req *req)
{
	if (!sva_has_dev(sva, dev) || !req)
		return -EINVAL;
	if (req->flags & ~(IOK_PRQ_PASID_VALID | IOK_PRQ_LAST_PAGE | IOK_PRQ_NEEDS_PASID) ||
	    req->grpid > IOK_PRQ_GRPID_MAX || req->pasid >= (1u << 20) ||
	    req->perm & ~(IOK_FAULT_PERM_READ | IOK_FAULT_PERM_WRITE | IOK_FAULT_PERM_EXEC |
			  IOK_FAULT_PERM_PRIV))
		return iok_fail(sva->ctx, -EINVAL, "a malformed page request");
	if (!iok_dev_get_rgroup(sva->m, dev))
		return iok_fail(sva->ctx, -ENODEV, "%s has no IOMMU group", iok_dev_get_name(dev));
	return 0;
}

/* iopf_group_alloc(): the partial requests of the PRG index, then the last. */
static struct iok_iopf_group *group_alloc(struct iok_sva *sva, struct iok_dev *dev,
					  const struct iok_page_req *last)
{
	struct sva_dev *sd = SD(sva, dev);
	struct iok_iopf_group *g = calloc(1, sizeof(*g));
	struct pr_fault **pp, *p;
	unsigned int n = 1;

	if (!g)
		return NULL;
	for (p = sd->partial; p; p = p->next)
		n += p->req.grpid == last->grpid;
	g->faults = calloc(n, sizeof(*g->faults));
	if (!g->faults) {
		free(g);
		return NULL;
	}
	g->sva = sva;
	g->dev = dev;
	for (pp = &sd->partial; (p = *pp);) {
		if (p->req.grpid != last->grpid) {
			pp = &p->next;
			continue;
		}
		g->faults[g->nr++] = p->req;
		*pp = p->next;
		free(p);
	}
	for (sd->partial_tail = NULL, p = sd->partial; p; p = p->next)
		sd->partial_tail = p;
	g->faults[g->nr++] = *last;
	g->pending = true;
	g->next_pending = sd->pending;
	sd->pending = g;
	return g;
}

/* Without memory for a group the request is aborted, its partials dropped. */
static void group_abort(struct iok_sva *sva, struct iok_dev *dev, const struct iok_page_req *last)
{
	struct sva_dev *sd = SD(sva, dev);
	struct pr_fault **pp, *p;

	for (pp = &sd->partial; (p = *pp);) {
		if (p->req.grpid == last->grpid) {
			*pp = p->next;
			free(p);
		} else {
			pp = &p->next;
		}
	}
	for (sd->partial_tail = NULL, p = sd->partial; p; p = p->next)
		sd->partial_tail = p;
	page_response(sva, dev, last, IOK_PAGE_RESP_FAILURE);
}

static int park(struct sva_dev *sd, const struct iok_page_req *req)
{
	struct pr_fault *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->req = *req;
	if (sd->partial_tail)
		sd->partial_tail->next = p;
	else
		sd->partial = p;
	sd->partial_tail = p;
	return 0;
}

IOK_EXPORT int iok_report_device_fault(struct iok_sva *sva, struct iok_dev *dev,
				       const struct iok_page_req *req)
{
	struct iok_iopf_group *g;
	iok_iopf_handler_fn fn;
	const void *handle;
	struct iok_domain *d;
	struct sva_dev *sd;
	void *arg;
	int rc = check_req(sva, dev, req);

	if (rc)
		return rc;
	sd = SD(sva, dev);
	rc = find_handler(sva, dev, req, &handle, &d);
	/* A fault-capable domain without fault parameters is a driver bug. */
	if (!rc && !sd->queue)
		rc = iok_machine_warn(sva->m, -EINVAL, "%s: a page request from a device in no IOPF queue",
				      iok_dev_get_name(dev));
	if (rc) {
		page_response(sva, dev, req, IOK_PAGE_RESP_INVALID);
		return rc;
	}
	/* Not the last of its group: parked, no response yet. */
	if (!(req->flags & IOK_PRQ_LAST_PAGE))
		return park(sd, req);
	g = group_alloc(sva, dev, req);
	if (!g) {
		group_abort(sva, dev, req);
		return 0;
	}
	g->handle = handle;
	g->domain = d;
	fn = iok_domain_get_iopf_handler(d, &arg);
	if (fn(g, arg)) {
		warn(sva->ctx, "%s: iopf with pasid %u aborted", iok_dev_get_name(dev), req->pasid);
		iok_iopf_group_response(g, IOK_PAGE_RESP_FAILURE);
		iok_iopf_free_group(g);
	}
	return 0;
}

IOK_EXPORT unsigned int iok_iopf_group_count_faults(const struct iok_iopf_group *g)
{
	return g ? g->nr : 0;
}

IOK_EXPORT const struct iok_page_req *iok_iopf_group_get_fault(const struct iok_iopf_group *g,
							       unsigned int i)
{
	return g && i < g->nr ? &g->faults[i] : NULL;
}

IOK_EXPORT struct iok_dev *iok_iopf_group_get_dev(const struct iok_iopf_group *g)
{
	return g ? g->dev : NULL;
}

IOK_EXPORT struct iok_domain *iok_iopf_group_get_domain(const struct iok_iopf_group *g)
{
	return g ? g->domain : NULL;
}

IOK_EXPORT void iok_iopf_group_response(struct iok_iopf_group *g, int code)
{
	if (!g || code < IOK_PAGE_RESP_SUCCESS || code > IOK_PAGE_RESP_FAILURE)
		return;
	/* Only a group still pending is answered. */
	if (!g->pending)
		return;
	page_response(g->sva, g->dev, &g->faults[g->nr - 1], code);
	pending_unlink(SD(g->sva, g->dev), g);
}

IOK_EXPORT void iok_iopf_free_group(struct iok_iopf_group *g)
{
	if (!g)
		return;
	if (g->pending)
		pending_unlink(SD(g->sva, g->dev), g);
	if (g->queued)
		work_unlink(SD(g->sva, g->dev)->queue, g);
	free(g->faults);
	free(g);
}

/* ---- state ---------------------------------------------------------------- */

IOK_EXPORT int iok_dev_get_pri_state(const struct iok_sva *sva, const struct iok_dev *dev,
				     struct iok_pri_state *st)
{
	const struct sva_dev *sd;
	const struct pr_fault *p;
	const struct iok_iopf_group *g;

	if (!sva_has_dev(sva, dev) || !st)
		return -EINVAL;
	sd = SD(sva, dev);
	memset(st, 0, sizeof(*st));
	st->capable = pri_capable(sva, dev);
	st->in_queue = sd->queue;
	st->stopped = sd->stopped;
	for (p = sd->partial; p; p = p->next)
		st->partial++;
	for (g = sd->pending; g; g = g->next_pending)
		st->pending++;
	st->requests = sd->requests;
	memcpy(st->responses, sd->responses, sizeof(st->responses));
	st->last_code = sd->last_code;
	st->last_grpid = sd->last_grpid;
	return 0;
}

IOK_EXPORT int iok_dev_reset_pri(struct iok_sva *sva, struct iok_dev *dev)
{
	if (!sva_has_dev(sva, dev))
		return -EINVAL;
	SD(sva, dev)->stopped = false;
	return 0;
}
