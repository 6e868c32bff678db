// SPDX-License-Identifier: MIT
/*
 * Shared virtual addressing (spec runtime 5.5, 6.1-6.3): the per-mm PASID,
 * SVA domains shared by every group of a unit that binds the mm, handles
 * keyed by group and PASID with a use count, unbind, mm teardown, the SVA
 * page fault handler, and the system object that holds it all.
 */
#include "lib/sva/sva-private.h"

/* Linux 6.2 made SVA a domain type; before, a bind needed a group of one. */
#define KERNEL_SVA_DOMAINS	602

/* ---- the system --------------------------------------------------------- */

/* Process frames: the upper half of the largest RAM range, 2 MiB aligned. */
static int frames_init(struct iok_sva *sva)
{
	struct iok_region r, best = { 0 };
	unsigned int i;

	for (i = 0; !iok_fabric_get_region(sva->f, i, &r); i++)
		if (r.kind == IOK_REGION_RAM && r.size > best.size)
			best = r;
	if (best.size < 4 * PAGE_SIZE)
		return iok_fail(sva->ctx, -ENOMEM, "the fabric has no RAM for processes");
	sva->frame_next = (best.start + best.size / 2 + 0x1fffff) & ~0x1fffffull;
	sva->frame_end = best.start + best.size;
	if (sva->frame_next >= sva->frame_end)
		sva->frame_next = best.start + best.size / 2;
	return 0;
}

IOK_EXPORT int iok_sva_new(struct iok_fabric *f, struct iok_sva **out)
{
	struct iok_sva *sva;
	int rc;

	if (!f || !out)
		return -EINVAL;
	sva = calloc(1, sizeof(*sva));
	if (!sva)
		return -ENOMEM;
	sva->f = f;
	sva->m = iok_fabric_get_machine(f);
	sva->topo = iok_machine_get_topo(sva->m);
	sva->ctx = iok_topo_get_ctx(sva->topo);
	sva->nr_devs = sva->topo->nr_devs;
	sva->devs = calloc(sva->nr_devs + 1, sizeof(*sva->devs));
	rc = sva->devs ? frames_init(sva) : -ENOMEM;
	rc = rc ?: iok_iopf_init(sva);
	if (rc) {
		iok_sva_unref(sva);
		return rc;
	}
	*out = sva;
	return 0;
}

IOK_EXPORT void iok_sva_unref(struct iok_sva *sva)
{
	if (!sva)
		return;
	iok_sva_bonds_free(sva);
	/* No domain holds them now; their PASIDs go back with them. */
	while (sva->mms) {
		struct iok_mm *mm = sva->mms;

		if (mm->has_pasid)
			iok_free_global_pasid(sva->m, mm->pasid);
		iok_mm_free(mm);
	}
	iok_iopf_fini(sva);
	free(sva->devs);
	free(sva->free_frames);
	free(sva);
}

IOK_EXPORT struct iok_machine *iok_sva_get_machine(const struct iok_sva *sva)
{
	return sva ? sva->m : NULL;
}

IOK_EXPORT unsigned long iok_sva_count_frames(const struct iok_sva *sva)
{
	return sva ? sva->frames_used : 0;
}

/* ---- SVA domains: mmu notifier and fault handler ----------------------- */

/* The driver's invalidate_range: the IOTLB of the PASID over the range. */
static void dom_invalidate(struct iok_mm *mm, uint64_t start, uint64_t end, void *arg)
{
	struct sva_dom *sd = arg;
	struct iok_iommu_unit *u = iok_domain_get_unit(sd->d);
	int did = iok_unit_get_domain_id(u, sd->d);

	if (did > 0 && end > start)
		iok_unit_iotlb_flush_range(u, (unsigned int)did, mm->pasid, start, end - start);
}

/* The driver's release: the PASID stops walking, quietly (spec 6.3). */
static void dom_release(struct iok_mm *mm, void *arg)
{
	struct sva_dom *sd = arg;

	iok_domain_sva_release(sd->d);
}

static const struct iok_mmu_notifier_ops dom_ops = {
	.invalidate = dom_invalidate,
	.release = dom_release,
};

/* iommu_sva_handle_mm(): one request against the mm. */
static int handle_mm(const struct iok_page_req *r, struct iok_mm *mm)
{
	unsigned int access = 0;
	const struct vma *v;

	if (!(r->flags & IOK_PRQ_PASID_VALID))
		return IOK_PAGE_RESP_INVALID;
	/* mmget_not_zero() fails once the process has exited. */
	if (mm->exited)
		return IOK_PAGE_RESP_INVALID;
	v = iok_mm_find_vma(mm, r->addr);
	if (!v)
		return IOK_PAGE_RESP_INVALID;
	if (r->perm & IOK_FAULT_PERM_READ)
		access |= IOK_MM_READ;
	if (r->perm & IOK_FAULT_PERM_WRITE)
		access |= IOK_MM_WRITE;
	if (r->perm & IOK_FAULT_PERM_EXEC)
		access |= IOK_MM_EXEC;
	if (access & ~v->prot)
		return IOK_PAGE_RESP_INVALID;
	return iok_mm_fault(mm, r->addr, access ? access : IOK_MM_READ) ? IOK_PAGE_RESP_INVALID
									  : IOK_PAGE_RESP_SUCCESS;
}

/* iommu_sva_handle_iopf(): errors are sticky, one response for the group. */
static void sva_handle_iopf(struct iok_iopf_group *g)
{
	struct iok_mm *mm = (struct iok_mm *)iok_domain_get_mm(g->domain);
	int status = IOK_PAGE_RESP_SUCCESS;
	unsigned int i;

	for (i = 0; i < g->nr && status == IOK_PAGE_RESP_SUCCESS; i++)
		status = handle_mm(&g->faults[i], mm);
	iok_iopf_group_response(g, status);
	iok_iopf_free_group(g);
}

/* iommu_sva_iopf_handler(): the group goes to the queue's worker. */
int iok_sva_iopf_handler(struct iok_iopf_group *g, void *arg)
{
	struct iok_iopf_queue *q = iok_iopf_queue_of(g->sva, g->dev);

	if (!q)
		return -ENODEV;
	if (q->fail_next) {
		q->fail_next--;
		return -EBUSY;
	}
	iok_iopf_queue_work(g, sva_handle_iopf);
	return 0;
}

/* iommu_sva_domain_alloc(): the driver's domain, then the core's fields. */
static int dom_new(struct iok_mm *mm, struct iok_dev *dev, struct sva_dom **out)
{
	struct sva_dom *sd = calloc(1, sizeof(*sd));
	int rc;

	if (!sd)
		return -ENOMEM;
	sd->mm = mm;
	rc = iok_domain_alloc_sva(mm->sva->m, dev, mm->pt, mm->fmt, mm, &sd->d);
	if (rc) {
		free(sd);
		return rc;
	}
	iok_domain_set_iopf_handler(sd->d, iok_sva_iopf_handler, sd);
	rc = iok_mm_register_notifier(mm, &dom_ops, sd);
	if (rc) {
		iok_domain_free(sd->d);
		free(sd);
		return rc;
	}
	*out = sd;
	return 0;
}

static void dom_free(struct sva_dom *sd)
{
	iok_mm_unregister_notifier(sd->mm, &dom_ops, sd);
	if (iok_domain_free(sd->d))
		iok_machine_warn(sd->mm->sva->m, -EBUSY, "SVA domain of PASID %u still in use",
				 sd->mm->pasid);
	free(sd);
}

static void dom_unlink(struct sva_dom *sd)
{
	struct sva_dom **pp;

	for (pp = &sd->mm->domains; *pp != sd; pp = &(*pp)->next)
		;
	*pp = sd->next;
}

/* ---- bind and unbind ---------------------------------------------------- */

/* iommu_alloc_mm_data(): the mm's PASID, for good once allocated. */
static int mm_pasid(struct iok_mm *mm, struct iok_dev *dev)
{
	struct iok_sva *sva = mm->sva;
	uint32_t pasid;

	if (mm->lam)
		return iok_fail(sva->ctx, -EBUSY, "LAM is on: the page tables are not DMA-compatible");
	if (mm->has_pasid) {
		if (mm->pasid >= iok_dev_get_max_pasids(sva->m, dev))
			return iok_fail(sva->ctx, -EOVERFLOW, "%s: the mm's PASID %u is beyond its %u PASIDs",
					iok_dev_get_name(dev), mm->pasid,
					iok_dev_get_max_pasids(sva->m, dev));
		return 0;
	}
	pasid = iok_alloc_global_pasid(sva->m, dev);
	if (pasid == IOK_PASID_INVALID)
		return iok_fail(sva->ctx, -ENOSPC, "%s: no global PASID below its %u PASIDs",
				iok_dev_get_name(dev), iok_dev_get_max_pasids(sva->m, dev));
	mm->pasid = pasid;
	mm->has_pasid = true;
	return 0;
}

/* The driver enables IOPF with an SVA domain: PRI-capable devices of the group. */
static int iopf_enable(struct iok_sva_handle *h, struct iok_rgroup *rg)
{
	unsigned int i, n = iok_rgroup_count_devs(rg);

	h->iopf_devs = calloc(n + 1, sizeof(*h->iopf_devs));
	if (!h->iopf_devs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct iok_dev *dev = iok_rgroup_get_dev(rg, i);
		struct iok_pasid_info in;

		iok_dev_get_pasid_info(h->sva->m, dev, &in);
		if (!in.pri || !in.max_pasids)
			continue;
		iok_iopf_get(h->sva, dev);
		h->iopf_devs[h->nr_iopf_devs++] = dev;
	}
	return 0;
}

static int bind(struct iok_dev *dev, struct iok_mm *mm, struct iok_sva_handle **out)
{
	struct iok_sva *sva = mm->sva;
	struct iok_sva_handle *h;
	struct iok_rgroup *rg;
	struct sva_dom *sd;
	const void *cookie;
	struct iok_domain *d;
	int rc;

	if (mm->exited)
		return iok_fail(sva->ctx, -EINVAL, "the process has exited: a bind needs a live mm");
	rg = iok_dev_get_rgroup(sva->m, dev);
	if (!rg)
		return iok_fail(sva->ctx, -ENODEV, "%s has no IOMMU group", iok_dev_get_name(dev));
	if (iok_machine_get_topo(sva->m)->params.kernel < KERNEL_SVA_DOMAINS &&
	    iok_rgroup_count_devs(rg) != 1)
		return iok_fail(sva->ctx, -EINVAL, "group %d has %u devices: SVA before Linux 6.2 binds groups of one",
				iok_rgroup_get_id(rg), iok_rgroup_count_devs(rg));
	rc = mm_pasid(mm, dev);
	if (rc)
		return rc;
	/* A bond exists for the group and PASID: one more user (spec 10 case 31). */
	rc = iok_attach_handle_get(rg, mm->pasid, IOK_DOMAIN_SVA, &cookie, &d);
	if (!rc) {
		if (iok_domain_get_mm(d) != mm)
			return iok_fail(sva->ctx, -EBUSY, "group %d: PASID %u is bound to another process",
					iok_rgroup_get_id(rg), mm->pasid);
		h = (struct iok_sva_handle *)cookie;
		h->users++;
		*out = h;
		return 0;
	}
	if (rc != -ENOENT)
		return iok_fail(sva->ctx, rc, "group %d: PASID %u holds a domain that is not SVA",
				iok_rgroup_get_id(rg), mm->pasid);
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->sva = sva;
	/* An SVA domain of the mm that this device's unit can use. */
	for (sd = mm->domains; sd; sd = sd->next)
		if (!iok_attach_device_pasid(sd->d, dev, mm->pasid, h))
			break;
	if (sd) {
		sd->users++;
	} else {
		rc = dom_new(mm, dev, &sd);
		if (!rc) {
			rc = iok_attach_device_pasid(sd->d, dev, mm->pasid, h);
			if (rc)
				dom_free(sd);
		}
		if (rc) {
			free(h);
			return rc;
		}
		sd->users = 1;
		sd->next = mm->domains;
		mm->domains = sd;
	}
	h->dev = dev;
	h->dom = sd;
	h->users = 1;
	h->next = sva->handles;
	sva->handles = h;
	/* Without the list the bond works; only page requests are off. */
	if (iopf_enable(h, rg))
		warn(sva->ctx, "%s: IOPF not enabled (no memory)", iok_dev_get_name(dev));
	*out = h;
	return 0;
}

IOK_EXPORT int iok_sva_bind_device(struct iok_dev *dev, struct iok_mm *mm,
				   struct iok_sva_handle **out)
{
	if (!mm || !out || !sva_has_dev(mm->sva, dev))
		return -EINVAL;
	return bind(dev, mm, out);
}

/*
 * The group that holds @h at its PASID: the device's, or, once the device
 * has left it, whichever still has the handle.
 */
static struct iok_rgroup *handle_group(struct iok_sva_handle *h, uint32_t pasid)
{
	struct iok_machine *m = h->sva->m;
	struct iok_rgroup *rg = iok_dev_get_rgroup(m, h->dev);
	const void *c;

	if (rg && !iok_attach_handle_get(rg, pasid, 0, &c, NULL) && c == h)
		return rg;
	iok_rgroup_foreach(m, rg)
		if (!iok_attach_handle_get(rg, pasid, 0, &c, NULL) && c == h)
			return rg;
	return NULL;
}

static void handles_unlink(struct iok_sva_handle **head, struct iok_sva_handle *h)
{
	struct iok_sva_handle **pp;

	for (pp = head; *pp && *pp != h; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = h->next;
}

static void unbind_last(struct iok_sva_handle *h)
{
	struct iok_sva *sva = h->sva;
	struct sva_dom *sd = h->dom;
	struct iok_mm *mm = sd->mm;
	struct iok_rgroup *rg;
	unsigned int i;

	/* The driver drains the PASID's page requests before it goes. */
	for (i = 0; i < h->nr_iopf_devs; i++)
		if (iok_iopf_queue_of(sva, h->iopf_devs[i]))
			iok_iopf_queue_flush_dev(sva, h->iopf_devs[i]);
	rg = handle_group(h, mm->pasid);
	if (rg)
		iok_detach_device_pasid(sd->d, iok_rgroup_get_dev(rg, 0), mm->pasid);
	for (i = 0; i < h->nr_iopf_devs; i++)
		iok_iopf_put(sva, h->iopf_devs[i]);
	if (!--sd->users) {
		dom_unlink(sd);
		dom_free(sd);
	}
	h->dom = NULL;
	h->dead = true;
	handles_unlink(&sva->handles, h);
	h->next = sva->dead_handles;
	sva->dead_handles = h;
	iok_mm_put(mm);
}

IOK_EXPORT int iok_sva_unbind_device(struct iok_sva_handle *h)
{
	if (!h)
		return -EINVAL;
	/* The memory is still ours: a second unbind is a refcount underflow. */
	if (h->dead)
		return iok_machine_warn(h->sva->m, -EINVAL,
					"refcount_t: underflow: SVA handle of %s unbound already",
					iok_dev_get_name(h->dev));
	if (--h->users)
		return 0;
	unbind_last(h);
	return 0;
}

IOK_EXPORT uint32_t iok_sva_get_pasid(const struct iok_sva_handle *h)
{
	return h && !h->dead ? h->dom->mm->pasid : IOK_PASID_INVALID;
}

IOK_EXPORT unsigned int iok_sva_handle_get_users(const struct iok_sva_handle *h)
{
	return h && !h->dead ? h->users : 0;
}

IOK_EXPORT struct iok_dev *iok_sva_handle_get_dev(const struct iok_sva_handle *h)
{
	return h ? h->dev : NULL;
}

IOK_EXPORT struct iok_domain *iok_sva_handle_get_domain(const struct iok_sva_handle *h)
{
	return h && !h->dead ? h->dom->d : NULL;
}

/* ---- the whole group (iommukit extension, spec 9.4) -------------------- */

IOK_EXPORT int iok_sva_bind_group(struct iok_rgroup *rg, struct iok_mm *mm,
				  struct iok_sva_group_bond **out)
{
	struct iok_sva_group_bond *b;
	struct iok_sva *sva;
	unsigned int i, n;
	int rc = 0;

	if (!rg || !mm || !out)
		return -EINVAL;
	sva = mm->sva;
	if (iok_machine_find_rgroup(sva->m, iok_rgroup_get_id(rg)) != rg)
		return -EINVAL;
	if (!iok_rgroup_get_owner(rg))
		return iok_fail(sva->ctx, -EPERM, "group %d has no user-space owner (VFIO, iommufd)",
				iok_rgroup_get_id(rg));
	n = iok_rgroup_count_devs(rg);
	if (!n)
		return -ENODEV;
	b = calloc(1, sizeof(*b));
	if (b)
		b->h = calloc(n, sizeof(*b->h));
	if (!b || !b->h) {
		if (b)
			free(b->h);
		free(b);
		return -ENOMEM;
	}
	/* All or nothing: a device that cannot be bound undoes the others. */
	for (i = 0; i < n; i++) {
		rc = bind(iok_rgroup_get_dev(rg, i), mm, &b->h[i]);
		if (rc) {
			iok_fail_prefix(sva->ctx, rc, iok_dev_get_name(iok_rgroup_get_dev(rg, i)));
			break;
		}
	}
	if (rc) {
		while (i-- > 0)
			iok_sva_unbind_device(b->h[i]);
		free(b->h);
		free(b);
		return rc;
	}
	b->sva = sva;
	b->nr = n;
	b->pasid = mm->pasid;
	b->next = sva->bonds;
	sva->bonds = b;
	*out = b;
	return 0;
}

IOK_EXPORT int iok_sva_unbind_group(struct iok_sva_group_bond *b)
{
	struct iok_sva_group_bond **pp;
	unsigned int i;

	if (!b)
		return -EINVAL;
	if (b->dead)
		return iok_machine_warn(b->sva->m, -EINVAL, "group bond of PASID %u unbound already",
					b->pasid);
	for (i = b->nr; i-- > 0;)
		iok_sva_unbind_device(b->h[i]);
	b->dead = true;
	for (pp = &b->sva->bonds; *pp != b; pp = &(*pp)->next)
		;
	*pp = b->next;
	b->next = b->sva->dead_bonds;
	b->sva->dead_bonds = b;
	return 0;
}

IOK_EXPORT uint32_t iok_sva_group_bond_get_pasid(const struct iok_sva_group_bond *b)
{
	return b && !b->dead ? b->pasid : IOK_PASID_INVALID;
}

IOK_EXPORT unsigned int iok_sva_group_bond_count_devs(const struct iok_sva_group_bond *b)
{
	return b && !b->dead ? b->nr : 0;
}

/* Unbind what is bound and forget every handle (iok_sva_unref()). */
void iok_sva_bonds_free(struct iok_sva *sva)
{
	while (sva->bonds)
		iok_sva_unbind_group(sva->bonds);
	while (sva->handles) {
		sva->handles->users = 1;
		iok_sva_unbind_device(sva->handles);
	}
	while (sva->dead_handles) {
		struct iok_sva_handle *h = sva->dead_handles;

		sva->dead_handles = h->next;
		free(h->iopf_devs);
		free(h);
	}
	while (sva->dead_bonds) {
		struct iok_sva_group_bond *b = sva->dead_bonds;

		sva->dead_bonds = b->next;
		free(b->h);
		free(b);
	}
}
