// SPDX-License-Identifier: MIT
/*
 * Names from pci.ids through libpci. udev's hwdb is not asked, so the same
 * input gives the same names on every machine; IOMMUKIT_PCI_IDS points at
 * another database.
 */
#include <stdlib.h>
#include <string.h>

#include <pci/pci.h>

#include "config.h"
#include "cli/builtin.h"

static struct pci_access *names;

static void quiet(char *msg, ...)
{
}

static struct pci_access *access_names(void)
{
	const char *path = getenv("IOMMUKIT_PCI_IDS");

	if (names)
		return names;
	names = pci_alloc();
	if (!names)
		return NULL;
	names->warning = quiet;
	names->debug = quiet;
	pci_set_name_list_path(names, (char *)(path && *path ? path : IOK_PCI_IDS), 0);
	return names;
}

void cli_names_cleanup(void)
{
	if (names)
		pci_cleanup(names);
	names = NULL;
}

#define LOOKUP_FLAGS (PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB)

const char *cli_vendor_name(uint16_t vendor, char *buf, size_t len)
{
	struct pci_access *a = access_names();
	char *r = a ? pci_lookup_name(a, buf, len, PCI_LOOKUP_VENDOR | LOOKUP_FLAGS,
				      vendor) : NULL;

	if (!r) {
		snprintf(buf, len, "Device %04x", vendor);
		return buf;
	}
	return r;
}

const char *cli_device_name(uint16_t vendor, uint16_t device, char *buf, size_t len)
{
	struct pci_access *a = access_names();
	char *r = a ? pci_lookup_name(a, buf, len, PCI_LOOKUP_DEVICE | LOOKUP_FLAGS,
				      vendor, device) : NULL;

	if (!r) {
		snprintf(buf, len, "Device %04x", device);
		return buf;
	}
	return r;
}

const char *cli_class_name(uint32_t class, char *buf, size_t len)
{
	struct pci_access *a = access_names();
	char *r = a ? pci_lookup_name(a, buf, len, PCI_LOOKUP_CLASS | LOOKUP_FLAGS,
				      class >> 8) : NULL;

	if (!r) {
		snprintf(buf, len, "Class %04x", class >> 8);
		return buf;
	}
	return r;
}

void cli_describe_dev(const struct iok_dev *d, char *buf, size_t len)
{
	char cls[128], ven[128], dev[256];
	uint32_t class = iok_dev_get_class(d);
	uint8_t rev = iok_dev_get_revision(d);
	int n;

	if (!iok_dev_is_pci(d)) {
		snprintf(buf, len, "platform device");
		return;
	}
	cli_class_name(class, cls, sizeof(cls));
	/* libpci already appends the code to a class it only half knows. */
	if (!strstr(cls, "["))
		snprintf(cls + strlen(cls), sizeof(cls) - strlen(cls), " [%04x]", class >> 8);
	n = snprintf(buf, len, "%s: %s %s [%04x:%04x]", cls,
		     cli_vendor_name(iok_dev_get_vendor(d), ven, sizeof(ven)),
		     cli_device_name(iok_dev_get_vendor(d), iok_dev_get_device(d), dev, sizeof(dev)),
		     iok_dev_get_vendor(d), iok_dev_get_device(d));
	if (rev && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " (rev %02x)", rev);
}
