"""Long multi-line records: JVM stack traces, Python tracebacks, Go panics, .NET exceptions,
and the kernel's OOM and hung-task reports. Frame pools hold the framework frames that sit
between the exception header and the application's own frames in real traces.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

# Spring MVC on Tomcat, from the handler adapter down to the worker thread (servlet 6 / Boot 3).
SPRING_MVC = [
    "org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:255)",
    "org.springframework.web.method.support.InvocableHandlerMethod.invokeForRequest(InvocableHandlerMethod.java:188)",
    "org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle(ServletInvocableHandlerMethod.java:118)",
    "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.invokeHandlerMethod(RequestMappingHandlerAdapter.java:926)",
    "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.handleInternal(RequestMappingHandlerAdapter.java:831)",
    "org.springframework.web.servlet.mvc.method.AbstractHandlerMethodAdapter.handle(AbstractHandlerMethodAdapter.java:87)",
    "org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1089)",
    "org.springframework.web.servlet.DispatcherServlet.doService(DispatcherServlet.java:979)",
    "org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)",
    "org.springframework.web.servlet.FrameworkServlet.doPost(FrameworkServlet.java:914)",
    "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:590)",
    "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)",
    "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:195)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)",
    "org.apache.tomcat.websocket.server.WsFilter.doFilter(WsFilter.java:51)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:164)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)",
    "org.springframework.web.filter.RequestContextFilter.doFilterInternal(RequestContextFilter.java:100)",
    "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:164)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)",
    "org.springframework.web.filter.FormContentFilter.doFilterInternal(FormContentFilter.java:93)",
    "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:164)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)",
    "org.springframework.web.filter.ServerHttpObservationFilter.doFilterInternal(ServerHttpObservationFilter.java:109)",
    "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:164)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)",
    "org.springframework.web.filter.CharacterEncodingFilter.doFilterInternal(CharacterEncodingFilter.java:201)",
    "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:164)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)",
    "org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:167)",
    "org.apache.catalina.core.StandardContextValve.invoke(StandardContextValve.java:90)",
    "org.apache.catalina.authenticator.AuthenticatorBase.invoke(AuthenticatorBase.java:483)",
    "org.apache.catalina.core.StandardHostValve.invoke(StandardHostValve.java:115)",
    "org.apache.catalina.valves.ErrorReportValve.invoke(ErrorReportValve.java:93)",
    "org.apache.catalina.core.StandardEngineValve.invoke(StandardEngineValve.java:74)",
    "org.apache.catalina.connector.CoyoteAdapter.service(CoyoteAdapter.java:344)",
    "org.apache.coyote.http11.Http11Processor.service(Http11Processor.java:391)",
    "org.apache.coyote.AbstractProcessorLight.process(AbstractProcessorLight.java:63)",
    "org.apache.coyote.AbstractProtocol$ConnectionHandler.process(AbstractProtocol.java:896)",
    "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1744)",
    "org.apache.tomcat.util.net.SocketProcessorBase.run(SocketProcessorBase.java:52)",
    "org.apache.tomcat.util.threads.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1191)",
    "org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:659)",
    "org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:63)",
    "java.base/java.lang.Thread.run(Thread.java:1583)",
]

# A Spring proxy around a @Transactional bean method (CGLIB + transaction interceptor).
SPRING_TX_PROXY = [
    "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)",
    "java.base/java.lang.reflect.Method.invoke(Method.java:580)",
    "org.springframework.aop.support.AopUtils.invokeJoinpointUsingReflection(AopUtils.java:354)",
    "org.springframework.aop.framework.ReflectiveMethodInvocation.invokeJoinpoint(ReflectiveMethodInvocation.java:196)",
    "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:163)",
    "org.springframework.aop.framework.CglibAopProxy$CglibMethodInvocation.proceed(CglibAopProxy.java:765)",
    "org.springframework.transaction.interceptor.TransactionInterceptor$1.proceedWithInvocation(TransactionInterceptor.java:123)",
    "org.springframework.transaction.interceptor.TransactionAspectSupport.invokeWithinTransaction(TransactionAspectSupport.java:392)",
    "org.springframework.transaction.interceptor.TransactionInterceptor.invoke(TransactionInterceptor.java:119)",
    "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:184)",
    "org.springframework.aop.framework.CglibAopProxy$CglibMethodInvocation.proceed(CglibAopProxy.java:765)",
    "org.springframework.aop.framework.CglibAopProxy$DynamicAdvisedInterceptor.intercept(CglibAopProxy.java:717)",
]

# Spring Kafka's listener container invoking a @KafkaListener method.
SPRING_KAFKA = [
    "org.springframework.messaging.handler.invocation.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:169)",
    "org.springframework.messaging.handler.invocation.InvocableHandlerMethod.invoke(InvocableHandlerMethod.java:119)",
    "org.springframework.kafka.listener.adapter.HandlerAdapter.invoke(HandlerAdapter.java:56)",
    "org.springframework.kafka.listener.adapter.MessagingMessageListenerAdapter.invokeHandler(MessagingMessageListenerAdapter.java:376)",
    "org.springframework.kafka.listener.adapter.RecordMessagingMessageListenerAdapter.onMessage(RecordMessagingMessageListenerAdapter.java:92)",
    "org.springframework.kafka.listener.adapter.RecordMessagingMessageListenerAdapter.onMessage(RecordMessagingMessageListenerAdapter.java:53)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.doInvokeOnMessage(KafkaMessageListenerContainer.java:2800)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.invokeOnMessage(KafkaMessageListenerContainer.java:2778)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.lambda$doInvokeRecordListener$53(KafkaMessageListenerContainer.java:2701)",
    "io.micrometer.observation.Observation.observe(Observation.java:565)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.doInvokeRecordListener(KafkaMessageListenerContainer.java:2699)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.doInvokeWithRecords(KafkaMessageListenerContainer.java:2541)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.invokeRecordListener(KafkaMessageListenerContainer.java:2430)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.invokeListener(KafkaMessageListenerContainer.java:2085)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.pollAndInvoke(KafkaMessageListenerContainer.java:1461)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.run(KafkaMessageListenerContainer.java:1426)",
    "java.base/java.util.concurrent.CompletableFuture$AsyncRun.run(CompletableFuture.java:1804)",
    "java.base/java.lang.Thread.run(Thread.java:1583)",
]


def java_trace(head: str, exc: str, frames: Sequence[str], causes: Sequence[tuple[str, Sequence[str], int]] = ()) -> str:
    """A logged JVM throwable: header line, `exc`, `\\tat` frames, then `Caused by:` blocks.

    causes: (exception line, frames, n) with n the `... n more` common-frame count.
    """
    lines = [head, exc] + [f"\tat {f}" for f in frames]
    for cexc, cframes, more in causes:
        lines.append(f"Caused by: {cexc}")
        lines += [f"\tat {f}" for f in cframes]
        if more:
            lines.append(f"\t... {more} more")
    return "\n".join(lines)


def py_frames(frames: Sequence[tuple[str, int, str, str]]) -> list[str]:
    """`  File "...", line N, in fn` + source line, per frame."""
    out = []
    for path, line, fn, code in frames:
        out.append(f'  File "{path}", line {line}, in {fn}')
        if code:
            out.append(f"    {code}")
    return out


def py_traceback(chain: Sequence[tuple[Sequence[tuple[str, int, str, str]], str]],
                 link: str = "During handling of the above exception, another exception occurred:") -> str:
    """A chained Python traceback; `link` joins consecutive exceptions (or `direct cause`)."""
    parts: list[str] = []
    for k, (frames, exc) in enumerate(chain):
        if k:
            parts += ["", link, ""]
        parts.append("Traceback (most recent call last):")
        parts += py_frames(frames)
        parts.append(exc)
    return "\n".join(parts)


DIRECT_CAUSE = "The above exception was the direct cause of the following exception:"


def go_goroutine(gid: int, state: str, frames: Sequence[tuple[str, str]]) -> list[str]:
    """One goroutine block: `goroutine N [state]:` then func / file:line pairs."""
    out = [f"goroutine {gid} [{state}]:"]
    for fn, loc in frames:
        out += [fn, f"\t{loc}"]
    return out


def go_panic(header: Sequence[str], goroutines: Sequence[tuple[int, str, Sequence[tuple[str, str]]]]) -> str:
    """A Go panic with GOTRACEBACK=all: header lines, then each goroutine separated by a blank."""
    lines = list(header) + [""]
    for k, (gid, state, frames) in enumerate(goroutines):
        if k:
            lines.append("")
        lines += go_goroutine(gid, state, frames)
    return "\n".join(lines)


def dotnet_exception(chain: Sequence[tuple[str, Sequence[str]]]) -> str:
    """`Unhandled exception.` with inner exceptions as .NET prints them (` ---> `, end markers)."""
    head = "Unhandled exception. " + " ---> ".join(exc for exc, _ in chain[:1])
    lines = [head] + [f" ---> {exc}" for exc, _ in chain[1:]]
    for k, (_, frames) in enumerate(reversed(chain)):
        lines += [f"   at {f}" for f in frames]
        if k < len(chain) - 1:
            lines.append("   --- End of inner exception stack trace ---")
    return "\n".join(lines)


def long_json(fields: Sequence[tuple[str, object]]) -> str:
    """A one-line JSON log record with its fields in the given order."""
    return json.dumps(dict(fields), separators=(",", ":"))


def kernel_oom(comm: str, pid: int, limit_kb: int, usage_kb: int, cgroup: str, oom_adj: int, rss_kb: int,
               uid: int, siblings: Sequence[tuple[int, str, int]],
               kernel: str = "6.1.102-111.182.amzn2023.x86_64",
               hw: str = "Amazon EC2 m6i.2xlarge/, BIOS 1.0 10/16/2017") -> list[tuple[int, str]]:
    """The kernel's memcg OOM report as journald stores it: (priority, message) per line."""
    task_rows = [f"[{p:>7}] {uid:>5} {p:>7} {rss_kb // 4 + 9000:>8} {rss // 4:>8} {rss // 4 - 200:>8} "
                 f"{0:>8}      {800:>8}    {0:>8}          {oom_adj:>4} {name}" for p, name, rss in siblings]
    lines = [
        (4, f"{comm} invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj={oom_adj}"),
        (4, f"CPU: 3 PID: {pid} Comm: {comm} Not tainted {kernel} #1"),
        (4, f"Hardware name: {hw}"),
        (4, "Call Trace:"),
        (4, " <TASK>"),
        (4, " dump_stack_lvl+0x44/0x5c"),
        (4, " dump_header+0x4a/0x211"),
        (4, " oom_kill_process.cold+0xb/0x10"),
        (4, " out_of_memory+0xed/0x2e0"),
        (4, " mem_cgroup_out_of_memory+0x136/0x150"),
        (4, " try_charge_memcg+0x7b4/0x7f0"),
        (4, " charge_memcg+0x35/0xe0"),
        (4, " __mem_cgroup_charge+0x29/0x80"),
        (4, " do_anonymous_page+0xee/0x3e0"),
        (4, " __handle_mm_fault+0x59c/0x760"),
        (4, " handle_mm_fault+0xdb/0x2d0"),
        (4, " do_user_addr_fault+0x1b0/0x560"),
        (4, " exc_page_fault+0x71/0x170"),
        (4, " asm_exc_page_fault+0x22/0x30"),
        (4, "RIP: 0033:0x7f3c2a81e9d4"),
        (4, " </TASK>"),
        (6, f"memory: usage {usage_kb}kB, limit {limit_kb}kB, failcnt {pid % 977 + 41}"),
        (6, "swap: usage 0kB, limit 9007199254740988kB, failcnt 0"),
        (6, f"Memory cgroup stats for {cgroup}:"),
        (6, f"anon {usage_kb * 1024 - 3_200_000}"),
        (6, "file 2383872"),
        (6, "kernel 6045696"),
        (6, "Tasks state (memory values in pages):"),
        (6, "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name"),
        *[(6, row) for row in task_rows],
        (6, f"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset={cgroup.rsplit('/', 1)[-1]},"
            f"mems_allowed=0,oom_memcg={cgroup},task_memcg={cgroup},task={comm},pid={pid},uid={uid}"),
        (3, f"Memory cgroup out of memory: Killed process {pid} ({comm}) total-vm:{rss_kb + 412_000}kB, "
            f"anon-rss:{rss_kb}kB, file-rss:{pid % 9000 + 11000}kB, shmem-rss:0kB, UID:{uid} pgtables:{rss_kb // 500}kB "
            f"oom_score_adj:{oom_adj}"),
    ]
    return lines
