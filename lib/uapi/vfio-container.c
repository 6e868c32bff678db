// SPDX-License-Identifier: MIT
/*
 * The VFIO container of Linux 6.1 (drivers/vfio/container.c): groups join
 * it with SET_CONTAINER, which claims their DMA ownership (spec runtime
 * 4.4); SET_IOMMU chooses the backend once it holds a group; the last
 * group leaving releases the backend and every mapping with it. The only
 * backend registered is type1, as in the oracle's guest.
 */
#include "lib/uapi/uapi-private.h"

struct vfio_container *iok_vfio_container_new(struct iok_vfio *v)
{
	struct vfio_container *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->v = v;
	c->refs = 1;
	return c;
}

void iok_vfio_container_put(struct vfio_container *c)
{
	if (--c->refs)
		return;
	/* Groups hold references: none is left here. */
	if (c->iommu)
		iok_type1_release(c->iommu);
	iok_vfio_sva_release(c);
	free(c);
}

/*
 * Before SET_IOMMU every registered backend is asked and the first
 * positive answer counts; after it, only the chosen one (spec runtime 8.2).
 */
static long check_extension(struct vfio_container *c, unsigned long ext)
{
	return iok_type1_check_extension(c->iommu, ext);
}

static void group_link(struct vfio_container *c, struct vfio_group *g)
{
	struct vfio_group **pp;

	for (pp = &c->groups; *pp; pp = &(*pp)->next_in_container)
		;
	g->next_in_container = NULL;
	*pp = g;
}

static void group_unlink(struct vfio_container *c, struct vfio_group *g)
{
	struct vfio_group **pp;

	for (pp = &c->groups; *pp && *pp != g; pp = &(*pp)->next_in_container)
		;
	if (*pp)
		*pp = g->next_in_container;
}

/* __vfio_container_attach_groups(): all or none. */
static int attach_groups(struct vfio_container *c, struct vfio_type1 *t)
{
	struct vfio_group *g, *undo;
	int rc;

	for (g = c->groups; g; g = g->next_in_container) {
		rc = iok_type1_attach_group(t, g->rg);
		if (!rc)
			continue;
		for (undo = c->groups; undo != g; undo = undo->next_in_container)
			iok_type1_detach_group(t, undo->rg);
		return rc;
	}
	return 0;
}

/*
 * vfio_ioctl_set_iommu(): -EINVAL without groups or with a backend; a type
 * no backend claims is -ENODEV; otherwise the last backend's error.
 */
static long set_iommu(struct vfio_container *c, unsigned long type)
{
	struct iok_ctx *ctx = c->v->sf->ctx;
	struct vfio_type1 *t;
	int rc;

	if (!c->groups || c->iommu)
		return iok_fail(ctx, -EINVAL, "SET_IOMMU: the container has %s",
				c->iommu ? "an IOMMU backend already" : "no group");
	if (iok_type1_check_extension(NULL, type) <= 0)
		return iok_fail(ctx, -ENODEV, "SET_IOMMU: no backend offers type %lu", type);
	rc = iok_type1_open(c->v, type, &t);
	if (rc)
		return rc;
	rc = attach_groups(c, t);
	if (rc) {
		iok_type1_release(t);
		return rc;
	}
	c->iommu = t;
	return 0;
}

long iok_vfio_container_ioctl(struct iok_proc *p, struct vfio_container *c,
			      unsigned long req, void *arg, unsigned long uarg)
{
	switch (req) {
	case IOK_VFIO_GET_API_VERSION:
		return IOK_VFIO_API_VERSION;
	case IOK_VFIO_CHECK_EXTENSION:
		return check_extension(c, uarg);
	case IOK_VFIO_SET_IOMMU:
		return set_iommu(c, uarg);
	default:
		/* Passed to the backend; without one there is nothing to answer. */
		if (!c->iommu)
			return iok_fail(c->v->sf->ctx, -EINVAL, "the container has no IOMMU backend");
		/* iommukit's VFIO_IOMMU_BIND/UNBIND (2018 SVA series, not in Linux). */
		if (req == IOK_VFIO_IOMMU_BIND || req == IOK_VFIO_IOMMU_UNBIND)
			return iok_vfio_sva_ioctl(p, c, req, arg, uarg);
		return iok_type1_ioctl(p, c->iommu, req, arg, uarg);
	}
}

/*
 * vfio_container_attach_group(): the ownership claim (-EPERM while a
 * DMA-API driver is bound in the group), then the backend's attach if one
 * is chosen; a failed attach gives the ownership back.
 */
int iok_vfio_container_attach_group(struct vfio_container *c, struct vfio_group *g)
{
	int rc;

	rc = iok_group_claim_dma_owner(g->rg, g);
	if (rc)
		return rc;
	if (c->iommu) {
		rc = iok_type1_attach_group(c->iommu, g->rg);
		/* The 2018 series bound a joining group to the processes bound already. */
		if (!rc)
			rc = iok_vfio_sva_attach_group(c, g);
		if (rc) {
			char saved[sizeof(c->v->sf->ctx->error)];

			memcpy(saved, c->v->sf->ctx->error, sizeof(saved));
			iok_group_release_dma_owner(g->rg);
			memcpy(c->v->sf->ctx->error, saved, sizeof(saved));
			return rc;
		}
	}
	g->container = c;
	g->container_users = 1;
	group_link(c, g);
	c->refs++;
	return 0;
}

/* vfio_group_detach_container(): the backend lets go, ownership is released. */
void iok_vfio_group_detach_container(struct vfio_group *g)
{
	struct vfio_container *c = g->container;

	/* PASIDs first: the ownership cannot be released while they are attached. */
	iok_vfio_sva_detach_group(c, g);
	if (c->iommu)
		iok_type1_detach_group(c->iommu, g->rg);
	iok_group_release_dma_owner(g->rg);
	g->container = NULL;
	g->container_users = 0;
	group_unlink(c, g);
	/* The last group deprivileges the container: the backend goes. */
	if (c->iommu && !c->groups) {
		iok_type1_release(c->iommu);
		c->iommu = NULL;
		iok_vfio_sva_release(c);
	}
	iok_vfio_container_put(c);
}
