// SPDX-License-Identifier: MIT
/*
 * FAULT objects (spec runtime 6.4, 7.7): I/O page faults of HWPTs allocated
 * with a FAULT object reach user space through its fd. The IOPF core hands
 * each page-request group to the domain's iopf_handler, which queues it;
 * read() delivers whole groups as iommu_hwpt_pgfault records with a cookie;
 * write() answers SUCCESS or INVALID by cookie. Detach, replace and destroy
 * answer INVALID for what is still outstanding.
 */
#include "lib/uapi/iommufd-private.h"

static void rec_respond(struct ifd_fault_rec *r, int code)
{
	iok_iopf_group_response(r->g, code);
	iok_iopf_free_group(r->g);
}

int ifd_fault_alloc(struct ifd_ucmd *u)
{
	struct iok_iommu_fault_alloc *cmd = u->cmd;
	struct iok_iommufd *ictx = u->ictx;
	struct ifd_fault *fault;

	if (cmd->flags)
		return ifd_fail(ictx, -EOPNOTSUPP, "FAULT_QUEUE_ALLOC: flags %#x", cmd->flags);
	fault = calloc(1, sizeof(*fault));
	if (!fault)
		return -ENOMEM;
	if (ifd_obj_add(ictx, &fault->obj, IOK_IOMMUFD_OBJ_FAULT)) {
		free(fault);
		return -ENOMEM;
	}
	/* The fd holds the object until it is closed. */
	fault->fd = ictx->next_fd++;
	fault->fd_open = true;
	fault->obj.users++;
	cmd->out_fault_id = fault->obj.id;
	cmd->out_fault_fd = fault->fd;
	return ifd_respond(u);
}

void ifd_fault_destroy(struct ifd_fault *fault)
{
	unsigned int i;

	for (i = 0; i < fault->nr_deliver; i++)
		rec_respond(&fault->deliver[i], IOK_PAGE_RESP_INVALID);
	for (i = 0; i < fault->nr_response; i++)
		rec_respond(&fault->response[i], IOK_PAGE_RESP_INVALID);
	free(fault->deliver);
	free(fault->response);
	free(fault);
}

static unsigned int auto_respond(struct ifd_fault_rec *r, unsigned int n, const void *handle)
{
	unsigned int i, j = 0;

	for (i = 0; i < n; i++) {
		if (r[i].handle == handle)
			rec_respond(&r[i], IOK_PAGE_RESP_INVALID);
		else
			r[j++] = r[i];
	}
	return j;
}

void ifd_fault_auto_respond(struct ifd_fault *fault, const void *handle)
{
	if (!fault || !handle)
		return;
	fault->nr_deliver = auto_respond(fault->deliver, fault->nr_deliver, handle);
	fault->nr_response = auto_respond(fault->response, fault->nr_response, handle);
}

static int rec_push(struct ifd_fault_rec **list, unsigned int *n, const struct ifd_fault_rec *r)
{
	struct ifd_fault_rec *l = realloc(*list, (*n + 1) * sizeof(*l));

	if (!l)
		return -ENOMEM;
	l[(*n)++] = *r;
	*list = l;
	return 0;
}

/* iommufd_fault_iopf_handler(): queue the group for the fd's reader. */
int ifd_fault_iopf_handler(struct iok_iopf_group *g, void *arg)
{
	struct ifd_hwpt *hwpt = arg;
	const struct iok_page_req *last = iok_iopf_group_get_fault(g, 0);
	struct iok_dev *dev = iok_iopf_group_get_dev(g);
	struct iok_iommufd *ictx = hwpt->ioas->ictx;
	struct ifd_fault_rec r = { .g = g };
	const struct ifd_handle *h = NULL;
	const void *handle = NULL;
	uint32_t pasid = IOK_NO_PASID;

	if (!hwpt->fault || !last)
		return -EINVAL;
	if (last->flags & IOK_PRQ_PASID_VALID)
		pasid = last->pasid;
	/* The attachment the fault came through: its handle names the device. */
	if (iok_attach_handle_get(iok_dev_get_rgroup(ictx->m, dev), pasid, 0, &handle, NULL))
		iok_attach_handle_get(iok_dev_get_rgroup(ictx->m, dev), IOK_NO_PASID, 0,
				      &handle, NULL);
	h = handle;
	r.handle = handle;
	r.dev_id = h ? h->idev->obj.id : 0;
	return rec_push(&hwpt->fault->deliver, &hwpt->fault->nr_deliver, &r);
}

static struct ifd_fault *fault_by_fd(struct iok_iommufd *ictx, int fd)
{
	struct ifd_fault *fault;
	uint32_t id;

	for (id = 1; ictx && id < ictx->alloc_objs; id++) {
		fault = (struct ifd_fault *)ifd_obj_get(ictx, id, IOK_IOMMUFD_OBJ_FAULT);
		if (fault && fault->fd_open && fault->fd == fd)
			return fault;
	}
	return NULL;
}

/* xa_alloc() with XA_FLAGS_ALLOC1: the lowest cookie not waiting for a response. */
static uint32_t new_cookie(const struct ifd_fault *fault)
{
	uint32_t c = 1;
	unsigned int i;

again:
	for (i = 0; i < fault->nr_response; i++)
		if (fault->response[i].cookie == c) {
			c++;
			goto again;
		}
	return c;
}

IOK_EXPORT long iok_iommufd_fault_read(struct iok_iommufd *ictx, int fd, void *buf,
				       size_t count)
{
	const size_t rec = sizeof(struct iok_iommu_hwpt_pgfault);
	struct ifd_fault *fault = fault_by_fd(ictx, fd);
	struct iok_iommu_hwpt_pgfault *out = buf;
	const struct iok_page_req *req;
	struct ifd_fault_rec r;
	unsigned int i, n;
	size_t done = 0;

	if (!fault)
		return -EBADF;
	if (count % rec)
		return ifd_fail(ictx, -ESPIPE, "FAULT read of %zu bytes: not whole records", count);
	if (count && !buf)
		return ifd_fail(ictx, -EFAULT, "FAULT read: bad buffer");
	/* Groups go whole or stay queued. */
	while (fault->nr_deliver) {
		r = fault->deliver[0];
		n = iok_iopf_group_count_faults(r.g);
		if (done >= count || n * rec > count - done)
			break;
		r.cookie = new_cookie(fault);
		if (rec_push(&fault->response, &fault->nr_response, &r))
			break;
		memmove(fault->deliver, fault->deliver + 1, --fault->nr_deliver * sizeof(r));
		for (i = 0; i < n; i++, done += rec) {
			req = iok_iopf_group_get_fault(r.g, i);
			*out++ = (struct iok_iommu_hwpt_pgfault){
				.flags = req->flags & (IOK_IOMMU_PGFAULT_FLAGS_PASID_VALID |
						       IOK_IOMMU_PGFAULT_FLAGS_LAST_PAGE),
				.dev_id = r.dev_id, .pasid = req->pasid, .grpid = req->grpid,
				.perm = req->perm, .addr = req->addr, .cookie = r.cookie,
			};
		}
	}
	return done;
}

IOK_EXPORT long iok_iommufd_fault_write(struct iok_iommufd *ictx, int fd, const void *buf,
					size_t count)
{
	const size_t rec = sizeof(struct iok_iommu_hwpt_page_response);
	struct ifd_fault *fault = fault_by_fd(ictx, fd);
	const struct iok_iommu_hwpt_page_response *in = buf;
	struct ifd_fault_rec r;
	unsigned int i;
	size_t done = 0;
	int rc = 0;

	if (!fault)
		return -EBADF;
	if (count % rec)
		return ifd_fail(ictx, -ESPIPE, "FAULT write of %zu bytes: not whole records",
				count);
	if (count && !buf)
		return ifd_fail(ictx, -EFAULT, "FAULT write: bad buffer");
	for (; done < count; done += rec, in++) {
		/* FAILURE would stop the device's PRI: user space may not send it. */
		if (in->code != IOK_IOMMUFD_PAGE_RESP_SUCCESS &&
		    in->code != IOK_IOMMUFD_PAGE_RESP_INVALID) {
			rc = ifd_fail(ictx, -EINVAL, "FAULT response code %u", in->code);
			break;
		}
		for (i = 0; i < fault->nr_response && fault->response[i].cookie != in->cookie; i++)
			;
		if (i == fault->nr_response) {
			rc = ifd_fail(ictx, -EINVAL, "FAULT response: unknown cookie %u",
				      in->cookie);
			break;
		}
		r = fault->response[i];
		memmove(&fault->response[i], &fault->response[i + 1],
			(--fault->nr_response - i) * sizeof(r));
		rec_respond(&r, in->code);
	}
	return done ? (long)done : rc;
}

IOK_EXPORT int iok_iommufd_fault_poll(struct iok_iommufd *ictx, int fd)
{
	struct ifd_fault *fault = fault_by_fd(ictx, fd);

	if (!fault)
		return -EBADF;
	return IOK_POLLOUT | (fault->nr_deliver ? IOK_POLLIN : 0);
}

IOK_EXPORT int iok_iommufd_fault_close(struct iok_iommufd *ictx, int fd)
{
	struct ifd_fault *fault = fault_by_fd(ictx, fd);

	if (!fault)
		return -EBADF;
	fault->fd_open = false;
	fault->obj.users--;
	return 0;
}
