/* The systrap stub: signal-handler code that lives at STUB_ADDR in every
 * systrap stub process. Each stub thread has a context region (CTX_SIZE
 * bytes, CTX_SIZE-aligned, shared with the sentry through a memfd): a
 * header page the two sides talk through, then the thread's alternate
 * signal stack, where the kernel writes the ucontext the sentry reads and
 * edits directly. The code uses no other memory and no stack of its own.
 *
 * Header (must match systrap.c):
 *   0  u32 state   stub -> sentry: 0 none, 1 event, 2 command done
 *   4  u32 cmd     sentry -> stub: 0 none, 1 resume, 2 syscall, 3 fork,
 *                  4 thread, 5 map a passed descriptor
 *   8  u64 sig     16 u64 siginfo   24 u64 ucontext   (event)
 *   32 u64 nr      40..80 u64 args[6]   88 u64 ret        (command)
 *   96 u32 sentry_sleeping, 100 u32 stub_sleeping (wake only sleepers)
 *   112 u64 the address space's descriptor channel (a socket in the stub)
 *   128 stack_t for a new thread's sigaltstack, 160 an empty sigset
 *   256 a msghdr for recvmsg on the channel (filled by the sentry), whose
 *       control buffer is at 344: cmsg_len, level, type, then the fd
 *   176 u64 the region's own address (the fast entry finds it through %gs)
 *   184 u32 fast: the current event came through the fast entry, not a
 *       signal: its frame is the one at FAST_UC, the FP state is live in
 *       the thread (commands 6 and 7 save and load it at FAST_XS)
 *   188 u32 an interrupt arrived while the thread was in the stub after a
 *       fast entry: post it as an event before resuming
 *   0x400 the fast path's siginfo, 0x480 its ucontext (general registers
 *       only); below 0xf00 its stack; 0x1000 the XSAVE area of commands
 *       6 and 7 (the bottom of the alternate stack, which signal frames
 *       reach only from the top)
 *
 * Syscall patching: a patched site jumps (through a slot of a trampoline
 * page the sentry keeps near the application's code) to fast_entry with
 * eax = nr and rcx = the address after the original syscall, every other
 * register as the application left it. The stub thread's %gs base is its
 * region (applications on systrap have no %gs of their own: the sentry
 * keeps theirs as a number only). fast_entry saves what a SIGSYS frame
 * would hold and posts the same event; the sentry cannot tell the two
 * apart but by the fast flag. Nothing here is more than an application
 * could do with its own syscalls: jumping in with any registers posts a
 * syscall the sentry emulates.
 */
#define CTX_SIZE 0x10000
#define CTX_BASE 0x7fffc0000000	/* PLATFORM_APP_TOP */
#define STUB_ADDR 0x7fffffff0000
#define H_STATE 0
#define H_CMD 4
#define H_SIG 8
#define H_INFO 16
#define H_UCTX 24
#define H_NR 32
#define H_ARGS 40
#define H_RET 88
#define H_SLEEPING 96
#define H_STUB_SLEEPING 100
#define H_CHAN 112
#define H_SS 128
#define H_MASK 160
#define H_MSG 256
#define H_CMSG 344
#define H_SELF 176
#define H_FAST 184
#define H_INTR 188
#define FAST_SI 0x400
#define FAST_UC 0x480
#define FAST_STACK 0xf00
#define FAST_XS 0x1000
#define G(r) (FAST_UC + 40 + 8 * (r))	/* ucontext gregs */
#define R8 0
#define R9 1
#define R10 2
#define R11 3
#define R12 4
#define R13 5
#define R14 6
#define R15 7
#define RDI 8
#define RSI 9
#define RBP 10
#define RBX 11
#define RDX 12
#define RAX 13
#define RCX 14
#define RSP 15
#define RIP 16
#define EFL 17
#define UC_RIP (40 + 8 * RIP)
#define INTR_SIG 16
#define SIGSYS 31
#define MSG_DONTWAIT 0x40
#define SPIN 500

	.section .rodata
	.balign 16
	.globl systrap_stub_start, systrap_stub_end
	.globl systrap_off_init, systrap_off_handler, systrap_off_restorer
	.globl systrap_off_fast
systrap_stub_start:

/* Entered once from the forked child: rdi = this page, rsi = its size,
 * rdx = first address to keep (the context area), rcx = end of it, [r8, r9)
 * another range to keep below it (the host's vDSO; empty when r8 == r9).
 * Unmap everything else, then trap into the handler: the sentry takes
 * over from the first event. */
stub_init:
	mov	%rdi, %r12
	mov	%rsi, %r13
	mov	%rdx, %r14
	mov	%rcx, %r15
	mov	%r8, %rbx
	mov	%r9, %rbp
	mov	$11, %eax		/* munmap(0, vdso_lo) */
	xor	%edi, %edi
	mov	%rbx, %rsi
	syscall
	mov	$11, %eax		/* munmap(vdso_hi, ctx_start - vdso_hi) */
	mov	%rbp, %rdi
	mov	%r14, %rsi
	sub	%rbp, %rsi
	syscall
	mov	$11, %eax		/* munmap(ctx_end, stub - ctx_end) */
	mov	%r15, %rdi
	mov	%r12, %rsi
	sub	%r15, %rsi
	syscall
	mov	$11, %eax		/* munmap(stub+size, TASK_SIZE - that) */
	lea	(%r12,%r13), %rdi
	movabs	$0x7ffffffff000, %rsi
	sub	%rdi, %rsi
	syscall
raise_self:
	mov	$39, %eax		/* getpid */
	syscall
	mov	%rax, %r12
	mov	$186, %eax		/* gettid */
	syscall
	mov	%rax, %rsi
	mov	%r12, %rdi
	mov	$16, %edx		/* SIGSTKFLT */
	mov	$234, %eax		/* tgkill */
	syscall
raise_done:
	/* Reached only by an application that jumped in here: fault. */
	ud2

/* Signal handler: rdi = sig, rsi = siginfo, rdx = ucontext, on the
 * thread's alternate stack inside its context region. */
handler:
	mov	%rsp, %rbx
	and	$-CTX_SIZE, %rbx
	/* Signals reach stub code only after a fast entry (the handler runs
	 * with them blocked, but for SIGSYS). Once the sentry said resume,
	 * the application's state is the fast frame: hand it over as this
	 * signal's, which then is an ordinary event. Before that, the fast
	 * path is on its way to the sentry: note an interrupt, go on. */
	mov	8 * RIP + 40(%rdx), %rax
	lea	fast_resume(%rip), %rcx
	cmp	%rcx, %rax
	jb	1f
	lea	fast_end(%rip), %rcx
	cmp	%rcx, %rax
	jae	1f
	xor	%ecx, %ecx
2:	mov	G(0)(%rbx,%rcx,8), %rax
	mov	%rax, 40(%rdx,%rcx,8)
	inc	%ecx
	cmp	$EFL + 1, %ecx
	jb	2b
	jmp	3f
1:	cmp	$INTR_SIG, %edi
	jne	3f
	lea	systrap_stub_start(%rip), %rcx
	cmp	%rcx, %rax
	jb	3f
	lea	systrap_stub_end(%rip), %rcx
	cmp	%rcx, %rax
	jae	3f
	lea	raise_done(%rip), %rcx
	cmp	%rcx, %rax
	je	3f
	/* Only after a fast entry: an application that jumps into stub
	 * code by itself must stay interruptible (killable). */
	cmpl	$0, H_FAST(%rbx)
	je	3f
	movl	$1, H_INTR(%rbx)
	jmp	sigreturn
3:	movl	$0, H_FAST(%rbx)
	mov	%rdi, H_SIG(%rbx)
	mov	%rsi, H_INFO(%rbx)
	mov	%rdx, H_UCTX(%rbx)
post_event:
	movl	$0, H_CMD(%rbx)
	/* xchg: a full barrier, so that the load of the sentry's sleeping
	 * flag below cannot pass the store (no lost wake-up). */
	mov	$1, %eax
	xchg	%eax, H_STATE(%rbx)
	cmpl	$0, H_SLEEPING(%rbx)
	je	wait_cmd
	mov	$202, %eax		/* futex(&state, FUTEX_WAKE, 1) */
	lea	H_STATE(%rbx), %rdi
	mov	$1, %esi
	mov	$1, %edx
	syscall
wait_cmd:
	mov	$SPIN, %ecx
2:	mov	H_CMD(%rbx), %eax
	test	%eax, %eax
	jnz	have_cmd
	pause
	dec	%ecx
	jnz	2b
	mov	$1, %eax		/* announce the sleep, full barrier */
	xchg	%eax, H_STUB_SLEEPING(%rbx)
	cmpl	$0, H_CMD(%rbx)
	jne	3f
	mov	$202, %eax		/* futex(&cmd, FUTEX_WAIT, 0, NULL) */
	lea	H_CMD(%rbx), %rdi
	xor	%esi, %esi
	xor	%edx, %edx
	xor	%r10d, %r10d
	syscall
3:	movl	$0, H_STUB_SLEEPING(%rbx)
	jmp	wait_cmd
have_cmd:
	cmp	$1, %eax
	je	resume
	cmp	$3, %eax
	je	do_fork
	cmp	$4, %eax
	je	do_thread
	cmp	$5, %eax
	je	do_mapfd
	cmp	$6, %eax
	je	do_xsave
	cmp	$7, %eax
	je	do_xrstor
	cmp	$8, %eax
	je	do_poke
do_syscall:
	call	load_args
	syscall
cmd_done:
	mov	%rax, H_RET(%rbx)
	movl	$0, H_CMD(%rbx)
	mov	$2, %eax
	xchg	%eax, H_STATE(%rbx)
	cmpl	$0, H_SLEEPING(%rbx)
	je	wait_cmd
	mov	$202, %eax
	lea	H_STATE(%rbx), %rdi
	mov	$1, %esi
	mov	$1, %edx
	syscall
	jmp	wait_cmd
resume:
	movl	$0, H_CMD(%rbx)
	cmpl	$0, H_FAST(%rbx)
	jne	fast_resume
sigreturn:
	add	$8, %rsp		/* past pretcode: the rt_sigframe */
	mov	$15, %eax		/* rt_sigreturn */
	syscall

/* The FP state of a thread that came in through fast_entry is still in
 * its registers: saved to and loaded from FAST_XS on the sentry's word
 * (every component the host enables). */
do_xsave:
	mov	$-1, %eax
	mov	$-1, %edx
	xsave	FAST_XS(%rbx)
	xor	%eax, %eax
	jmp	cmd_done
do_xrstor:
	mov	$-1, %eax
	mov	$-1, %edx
	xrstor	FAST_XS(%rbx)
	xor	%eax, %eax
	jmp	cmd_done

/* Patch application code: a 16-byte compare-and-swap at args[0] (16-byte
 * aligned, writable), old args[1..2], new args[3..4]: a thread running
 * those bytes sees all of the old or all of the new. 1: swapped. */
do_poke:
	mov	%rbx, %r12
	mov	H_ARGS(%r12), %rdi
	mov	H_ARGS+8(%r12), %rax
	mov	H_ARGS+16(%r12), %rdx
	mov	H_ARGS+24(%r12), %rbx
	mov	H_ARGS+32(%r12), %rcx
	lock cmpxchg16b (%rdi)
	mov	%r12, %rbx
	sete	%al
	movzbl	%al, %eax
	jmp	cmd_done

/* See "Syscall patching" above. The stack is the region's: the
 * application's may be anything (and its red zone is its own). */
fast_entry:
	/* First: an interrupt on this very instruction is an ordinary event
	 * (nothing changed yet); on any later one it must be deferred. */
	movl	$1, %gs:H_FAST
	mov	%rbx, %gs:G(RBX)
	mov	%gs:H_SELF, %rbx
	mov	%rsp, G(RSP)(%rbx)
	lea	FAST_STACK(%rbx), %rsp
	pushfq
	pop	%r11			/* as syscall leaves it: r11 = rflags */
	mov	%r11, G(R11)(%rbx)
	mov	%r11, G(EFL)(%rbx)
	mov	%rcx, G(RCX)(%rbx)
	mov	%rcx, G(RIP)(%rbx)
	mov	%rax, G(RAX)(%rbx)
	mov	%r8, G(R8)(%rbx)
	mov	%r9, G(R9)(%rbx)
	mov	%r10, G(R10)(%rbx)
	mov	%r12, G(R12)(%rbx)
	mov	%r13, G(R13)(%rbx)
	mov	%r14, G(R14)(%rbx)
	mov	%r15, G(R15)(%rbx)
	mov	%rdi, G(RDI)(%rbx)
	mov	%rsi, G(RSI)(%rbx)
	mov	%rbp, G(RBP)(%rbx)
	mov	%rdx, G(RDX)(%rbx)
	mov	%eax, FAST_SI + 24(%rbx)	/* si_syscall */
	movq	$SIGSYS, H_SIG(%rbx)
	lea	FAST_SI(%rbx), %rax
	mov	%rax, H_INFO(%rbx)
	lea	FAST_UC(%rbx), %rax
	mov	%rax, H_UCTX(%rbx)
	jmp	post_event

/* From here to fast_end the application's state is the fast frame (the
 * handler relies on it). */
fast_resume:
	cmpl	$0, H_INTR(%rbx)
	jne	fast_intr
	movl	$0, H_FAST(%rbx)	/* the application's from here */
	mov	G(EFL)(%rbx), %rax
	and	$0x40dd5, %rax		/* what popf may set (sigreturn's mask) */
	push	%rax
	mov	G(R8)(%rbx), %r8
	mov	G(R9)(%rbx), %r9
	mov	G(R10)(%rbx), %r10
	mov	G(R11)(%rbx), %r11
	mov	G(R12)(%rbx), %r12
	mov	G(R13)(%rbx), %r13
	mov	G(R14)(%rbx), %r14
	mov	G(R15)(%rbx), %r15
	mov	G(RDI)(%rbx), %rdi
	mov	G(RSI)(%rbx), %rsi
	mov	G(RBP)(%rbx), %rbp
	mov	G(RDX)(%rbx), %rdx
	mov	G(RCX)(%rbx), %rcx
	mov	G(RAX)(%rbx), %rax
	popfq
	mov	G(RSP)(%rbx), %rsp
	mov	G(RBX)(%rbx), %rbx
	jmp	*%gs:G(RIP)
fast_intr:
	movl	$0, H_INTR(%rbx)
	movq	$INTR_SIG, H_SIG(%rbx)
	jmp	post_event
fast_end:

/* Load nr and the six arguments from the header (clobbers nothing the
 * caller needs: rbx stays). Uses the stack of the handler frame: the
 * call/ret pair touches only the alternate stack, below the frame. */
load_args:
	mov	H_NR(%rbx), %rax
	mov	H_ARGS(%rbx), %rdi
	mov	H_ARGS+8(%rbx), %rsi
	mov	H_ARGS+16(%rbx), %rdx
	mov	H_ARGS+24(%rbx), %r10
	mov	H_ARGS+32(%rbx), %r8
	mov	H_ARGS+40(%rbx), %r9
	ret

/* Take the descriptor the sentry passed on the channel: r14 = it, or
 * rax = a negative error (then r14 = -1). */
recv_fd:
	mov	$-1, %r14
	mov	$47, %eax		/* recvmsg(chan, &msg, MSG_DONTWAIT) */
	mov	H_CHAN(%rbx), %rdi
	lea	H_MSG(%rbx), %rsi
	mov	$MSG_DONTWAIT, %edx
	syscall
	test	%rax, %rax
	js	1f
	mov	$-9, %rax		/* -EBADF unless exactly one fd came */
	cmpq	$20, H_CMSG(%rbx)	/* cmsg_len == CMSG_LEN(sizeof(int)) */
	jne	1f
	movabs	$0x100000001, %rcx	/* level SOL_SOCKET, type SCM_RIGHTS */
	cmp	%rcx, H_CMSG+8(%rbx)
	jne	1f
	movslq	H_CMSG+16(%rbx), %r14
	xor	%eax, %eax
1:	ret

/* mmap(args[0..3], fd passed on the channel, args[5]), then close the
 * passed descriptor: the mapping keeps the file. */
do_mapfd:
	call	recv_fd
	test	%rax, %rax
	js	cmd_done
	call	load_args
	mov	%r14, %r8
	syscall
	mov	%rax, %r12
	mov	$3, %eax		/* close(fd) */
	mov	%r14, %rdi
	syscall
	mov	%r12, %rax
	jmp	cmd_done

/* fork: clone(CLONE_PARENT|SIGCHLD). args[0..1] are the flags; args[4] is
 * the child's own context region's memfd offset, args[5] the context fd;
 * args[2] (ignored by clone) is 1 when the sentry passed the child's end
 * of a new descriptor channel, which the child puts in place of the one
 * it inherits. The sentry has already copied this region (header and
 * signal frame) into the child's; the child maps that over its base
 * before it touches the region, and the parent goes on at once. */
do_fork:
	mov	$-1, %r14
	cmpq	$0, H_ARGS+16(%rbx)
	je	1f
	call	recv_fd
	test	%rax, %rax
	js	cmd_done
1:	call	load_args
	mov	H_ARGS+32(%rbx), %r12	/* new region offset */
	mov	H_ARGS+40(%rbx), %r13	/* ctx memfd */
	syscall
	test	%rax, %rax
	jz	fork_child
	mov	%rax, %r12		/* the parent: drop the child's end */
	test	%r14, %r14
	js	2f
	mov	$3, %eax
	mov	%r14, %rdi
	syscall
2:	mov	%r12, %rax
	jmp	cmd_done
fork_child:
	mov	$9, %eax		/* mmap(base, CTX_SIZE, RW, SHARED|FIXED, fd, off) */
	mov	%rbx, %rdi
	mov	$CTX_SIZE, %esi
	mov	$3, %edx
	mov	$0x11, %r10d
	mov	%r13, %r8
	mov	%r12, %r9
	syscall
	cmp	%rdi, %rax
	jne	raise_self		/* cannot have a region: fault out */
	/* The other threads' regions came along with the address space:
	 * they are not the child's (and are reused once the parent is gone). */
	mov	$11, %eax		/* munmap(CTX_BASE, base - CTX_BASE) */
	movabs	$CTX_BASE, %rdi
	mov	%rbx, %rsi
	sub	%rdi, %rsi
	jz	4f
	syscall
4:	mov	$11, %eax		/* munmap(base + CTX_SIZE, up to the stub page) */
	lea	CTX_SIZE(%rbx), %rdi
	movabs	$STUB_ADDR, %rsi
	sub	%rdi, %rsi
	jz	5f
	syscall
5:	test	%r14, %r14
	js	3f
	mov	$33, %eax		/* dup2(new end, chan); close(new end) */
	mov	%r14, %rdi
	mov	H_CHAN(%rbx), %rsi
	syscall
	mov	$3, %eax
	mov	%r14, %rdi
	syscall
3:
	/* Our region now, holding the sentry's copy of the parent's. The
	 * sentry may be asleep on it: always wake it for this first event. */
	movl	$0, H_STUB_SLEEPING(%rbx)
	movl	$1, H_SLEEPING(%rbx)
	movq	$0, H_SIG(%rbx)
	jmp	post_event

/* A new thread: clone(flags, stack = args[1]); args[2] is the new
 * thread's region base. The child sets its sigaltstack and traps into the
 * handler to post its first event. */
do_thread:
	call	load_args
	mov	H_ARGS+16(%rbx), %r12	/* new base */
	syscall
	test	%rax, %rax
	jnz	cmd_done
	mov	%r12, %rbx
	lea	4096(%rbx), %rax	/* stack_t { sp, flags, size } */
	mov	%rax, H_SS(%rbx)
	movq	$0, H_SS+8(%rbx)
	movq	$CTX_SIZE - 4096, H_SS+16(%rbx)
	mov	$131, %eax		/* sigaltstack(&ss, NULL) */
	lea	H_SS(%rbx), %rdi
	xor	%esi, %esi
	syscall
	mov	$158, %eax		/* arch_prctl(ARCH_SET_GS, base) */
	mov	$0x1001, %edi
	mov	%rbx, %rsi
	syscall
	/* The clone happened inside the parent's handler, with every signal
	 * blocked: the new thread must take signals to run at all. */
	movq	$0, H_MASK(%rbx)
	mov	$14, %eax		/* rt_sigprocmask(SIG_SETMASK, &0, 0, 8) */
	mov	$2, %edi
	lea	H_MASK(%rbx), %rsi
	xor	%edx, %edx
	mov	$8, %r10d
	syscall
	mov	%rbx, %rsp
	add	$4096, %rsp		/* a scratch stack below the altstack */
	jmp	raise_self

/* sa_restorer: never used (the handler returns by rt_sigreturn itself),
 * but the kernel requires one. */
restorer:
	mov	$15, %eax
	syscall
systrap_stub_end:

	.balign 8
systrap_off_init:
	.quad	stub_init - systrap_stub_start
systrap_off_handler:
	.quad	handler - systrap_stub_start
systrap_off_restorer:
	.quad	restorer - systrap_stub_start
systrap_off_fast:
	.quad	fast_entry - systrap_stub_start

	.section .note.GNU-stack,"",@progbits
