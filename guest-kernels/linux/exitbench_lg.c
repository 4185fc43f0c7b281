// SPDX-License-Identifier: GPL-2.0
/*
 * exitbench's Linux guest (docs/design.md, "The Linux guest"): the benchmark loops run in a
 * Linux guest's kernel, which PR KVM runs in problem state, so that each privileged
 * instruction traps to kvm-pr as in the classic "read the PVR a million times" experiment.
 *
 * debugfs exitbench/run:
 *   write "NAME ITERATIONS BATCHES": run NAME's loop, ITERATIONS in BATCHES equal batches,
 *	each timed by the timebase, with interrupts hard-disabled throughout and, before each
 *	batch, the decrementer pushed out to its farthest (2^31 - 1 ticks): no guest
 *	interrupt in a batch, and none pending either (kvm-pr checks a pending one it cannot
 *	deliver at every entry, which would cost each exit more than the bare guest pays).
 *	The decrementer is set to fire at once at the end, so that the timer interrupt that
 *	was put off comes right after the loop, as after an empty run;
 *   read: "NAME ITERATIONS BATCHES TICKS SLB T1 ... TBATCHES" of the last run, TICKS the
 *	batches' sum, SLB the guest's valid SLB entries at
 *	the loop's end (slbmfee: the segments kvm-pr's shadow SLB can hold for it).
 * debugfs exitbench/info: "pvr=0x... tb_hz=N".
 * The benchmarks are those of guest-kernels/linux/benchmarks, which the runner reads.
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/hw_irq.h>
#include <asm/mmu.h>
#include <asm/reg.h>
#include <asm/time.h>

#define EB_LG_MAX_BATCHES	1000
#define EB_LG_NAME_LEN		24
/* KVM's paravirtual hypercall: sc with r0 = KVM_SC_MAGIC_R0, r11 = the token */
#define EB_KVM_SC_MAGIC_R0	0x4b564d21UL
#define EB_KVM_HC_FEATURES	0x2a0003UL	/* KVM_HCALL_TOKEN(KVM_HC_FEATURES) */
#define EB_DEC_FARTHEST		0x7fffffffUL	/* 4.19 s at 512 MHz */

static DEFINE_MUTEX(eb_lock);
static struct dentry *eb_dir;
static char eb_name[EB_LG_NAME_LEN];
static u64 eb_iterations, eb_total;
static u32 eb_batches, eb_slb;
static u64 eb_ticks[EB_LG_MAX_BATCHES];

static void loop_pvr(u64 n)
{
	unsigned long v;

	while (n--)
		asm volatile("mfpvr %0" : "=r"(v));
}

/* SPRG0: privileged, emulated from the vcpu's shared page (the bare guest's spr) */
static void loop_spr(u64 n)
{
	unsigned long v;

	while (n--)
		asm volatile("mfsprg %0, 0" : "=r"(v));
}

/* answered by kvmppc_kvm_pv in the host kernel (the bare guest's hcall) */
static void loop_hcall(u64 n)
{
	while (n--) {
		register unsigned long r0 asm("r0") = EB_KVM_SC_MAGIC_R0;
		register unsigned long r11 asm("r11") = EB_KVM_HC_FEATURES;
		register unsigned long r3 asm("r3");
		register unsigned long r4 asm("r4");

		asm volatile("sc"
			     : "+r"(r0), "+r"(r11), "=r"(r3), "=r"(r4)
			     :
			     : "r5", "r6", "r7", "r8", "r9", "r10", "r12", "cr0", "ctr",
			       "memory");
	}
}

/* the loop and the timebase alone */
static void loop_null(u64 n)
{
	while (n--)
		barrier();
}

/* the valid entries of the guest's SLB (kvm-pr emulates slbmfee: 64 entries at most) */
static u32 eb_slb_valid(void)
{
	unsigned long esid;
	u32 i, n = 0;

	for (i = 0; i < 64; i++) {
		asm volatile("slbmfee %0, %1" : "=r"(esid) : "r"((unsigned long)i));
		if (esid & SLB_ESID_V)
			n++;
	}
	return n;
}

static const struct {
	const char *name;
	void (*loop)(u64 n);
} eb_benches[] = {
	{ "pvr", loop_pvr },
	{ "spr", loop_spr },
	{ "hcall", loop_hcall },
	{ "null", loop_null },
};

static int eb_run(const char *name, u64 n, u32 batches)
{
	void (*loop)(u64 n) = NULL;
	unsigned long flags;
	u64 t, per, total = 0;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(eb_benches); i++)
		if (!strcmp(name, eb_benches[i].name))
			loop = eb_benches[i].loop;
	if (!loop)
		return -ENOENT;
	if (!batches || batches > EB_LG_MAX_BATCHES || n % batches)
		return -EINVAL;
	per = n / batches;

	local_irq_save(flags);
	hard_irq_disable();
	for (i = 0; i < batches; i++) {
		u64 t1;

		/* (outside the batch's time: an exit of its own, mtdec is emulated) */
		mtspr(SPRN_DEC, EB_DEC_FARTHEST);
		t = mftb();
		loop(per);
		t1 = mftb();
		eb_ticks[i] = t1 - t;
		total += t1 - t;
	}
	mtspr(SPRN_DEC, 1);
	eb_slb = eb_slb_valid();
	local_irq_restore(flags);

	strscpy(eb_name, name, sizeof(eb_name));
	eb_iterations = n;
	eb_batches = batches;
	eb_total = total;
	return 0;
}

static ssize_t eb_run_write(struct file *file, const char __user *ubuf, size_t len,
			    loff_t *ppos)
{
	char buf[64], name[EB_LG_NAME_LEN];
	unsigned long long n;
	unsigned int batches;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%23s %llu %u", name, &n, &batches) != 3)
		return -EINVAL;
	mutex_lock(&eb_lock);
	ret = eb_run(name, n, batches);
	mutex_unlock(&eb_lock);
	return ret ? ret : len;
}

static ssize_t eb_run_read(struct file *file, char __user *ubuf, size_t len, loff_t *ppos)
{
	size_t size = 64 + EB_LG_MAX_BATCHES * 21;
	ssize_t ret;
	char *buf;
	int at;
	u32 i;

	buf = kmalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&eb_lock);
	at = scnprintf(buf, size, "%s %llu %u %llu %u", eb_name[0] ? eb_name : "none",
		       eb_iterations, eb_batches, eb_total, eb_slb);
	for (i = 0; i < eb_batches; i++)
		at += scnprintf(buf + at, size - at, " %llu", eb_ticks[i]);
	at += scnprintf(buf + at, size - at, "\n");
	mutex_unlock(&eb_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, buf, at);
	kfree(buf);
	return ret;
}

static const struct file_operations eb_run_fops = {
	.owner = THIS_MODULE,
	.write = eb_run_write,
	.read = eb_run_read,
	.llseek = default_llseek,
};

static int eb_info_show(struct seq_file *m, void *v)
{
	seq_printf(m, "pvr=0x%08lx tb_hz=%lu\n", mfspr(SPRN_PVR), (unsigned long)ppc_tb_freq);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(eb_info);

static int __init eb_lg_init(void)
{
	eb_dir = debugfs_create_dir("exitbench", NULL);
	debugfs_create_file("run", 0600, eb_dir, NULL, &eb_run_fops);
	debugfs_create_file("info", 0400, eb_dir, NULL, &eb_info_fops);
	return 0;
}
module_init(eb_lg_init);

static void __exit eb_lg_exit(void)
{
	debugfs_remove_recursive(eb_dir);
}
module_exit(eb_lg_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("exitbench: benchmark loops in a Linux guest's kernel under PR KVM");
