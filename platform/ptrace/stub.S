/* The stub: the only code besides the application's that lives in a stub
 * process. It is copied to STUB_ADDR in every address space and uses no
 * stack, so threads cloned with the same stack pointer cannot corrupt each
 * other, and nothing of the sentry stays mapped in the stub.
 */
	.section .rodata
	.balign 16
	.globl stub_code_start, stub_code_end
	.globl stub_off_park, stub_off_syscall
stub_code_start:
/* Entered once, right after the stub process is forked: rdi = address of
 * this page, rsi = its size, [rdx, rcx) a range to keep (the host's vDSO,
 * which the application may use; empty when rdx == rcx). Unmap everything
 * else, then report "ready". */
stub_init:
	mov	%rdi, %r12
	mov	%rsi, %r13
	mov	%rdx, %r14
	mov	%rcx, %r15
	mov	$11, %eax		/* munmap(0, keep_lo) */
	xor	%edi, %edi
	mov	%r14, %rsi
	syscall
	mov	$11, %eax		/* munmap(keep_hi, stub - keep_hi) */
	mov	%r15, %rdi
	mov	%r12, %rsi
	sub	%r15, %rsi
	syscall
	mov	$11, %eax		/* munmap(stub+size, TASK_SIZE - that) */
	lea	(%r12,%r13), %rdi
	movabs	$0x7ffffffff000, %rsi
	sub	%rdi, %rsi
	syscall
	int3
/* A thread not owned by any sentry thread waits here, running nothing of
 * the application's. */
stub_park:
	mov	$34, %eax		/* pause() */
	syscall
	jmp	stub_park
/* The sentry runs one host syscall in the stub: registers set, then trap. */
stub_syscall:
	syscall
	int3
	jmp	stub_park
stub_code_end:

	.section .rodata
	.balign 8
stub_off_park:
	.quad	stub_park - stub_code_start
stub_off_syscall:
	.quad	stub_syscall - stub_code_start

	.section .note.GNU-stack,"",@progbits
