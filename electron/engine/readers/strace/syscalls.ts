/**
 * What the reader knows about common syscalls: argument names (as `evt.arg.NAME`; Falco's
 * parameter names from falcosecurity/libs driver/event_table.c where the syscall exists there,
 * e.g. `fd`, `data`, `size`, `name`, `flags`, `dirfd`, `addr`; otherwise the Linux man-page
 * names), which argument is an fd, whether the result is a new fd, whether the call reads or
 * writes data, and which calls change the fd table (open, socket, connect, accept, dup, close,
 * pipe, clone, execve).
 */

export const Track = {
  None: 0, Open: 1, Socket: 2, Connect: 3, Accept: 4, Bind: 5, Listen: 6, Close: 7, Dup: 8, Dup2: 9,
  Pipe: 10, SocketPair: 11, Execve: 12, Clone: 13, Fork: 14, GetSockName: 15, GetPeerName: 16, Fcntl: 17,
  /** The result is a new fd of a kind named by the call (epoll, eventfd, signalfd, timerfd, inotify). */
  NewFd: 18,
} as const;

export const Io = { None: 0, Read: 1, Write: 2 } as const;

export interface SyscallInfo {
  name: string;
  args: string[];
  /** Index of the argument that is the event's fd, -1 when none. */
  fdArg: number;
  /** The result is a new fd (fd.num of the event when it succeeds). */
  retFd: boolean;
  io: number;
  /** Index of the data buffer argument, -1 when none; iovec/msghdr calls: -2 (iov_base strings). */
  dataArg: number;
  /** Index of the size/count argument, -1 when none. */
  sizeArg: number;
  track: number;
  /** Falco evt.category. */
  category: string;
}

// name: args | flags. Flags: R read, W write, F result is an fd, T<op> tracking, C<category>.
const TABLE = `
read:fd,data,size|R
pread64:fd,data,size,pos|R
readv:fd,iov,iovcnt|R
preadv:fd,iov,iovcnt,pos|R
preadv2:fd,iov,iovcnt,pos,flags|R
recv:fd,data,size,flags|R
recvfrom:fd,data,size,flags,addr,addrlen|R
recvmsg:fd,msg,flags|R
recvmmsg:fd,msgvec,vlen,flags,timeout|R
write:fd,data,size|W
pwrite64:fd,data,size,pos|W
writev:fd,iov,iovcnt|W
pwritev:fd,iov,iovcnt,pos|W
pwritev2:fd,iov,iovcnt,pos,flags|W
send:fd,data,size,flags|W
sendto:fd,data,size,flags,addr,addrlen|W
sendmsg:fd,msg,flags|W
sendmmsg:fd,msgvec,vlen,flags|W
open:name,flags,mode|F|TOpen|Cfile
openat:dirfd,name,flags,mode|F|TOpen|Cfile
openat2:dirfd,name,how,size|F|TOpen|Cfile
creat:name,mode|F|TOpen|Cfile
memfd_create:name,flags|F|TOpen|Cfile
close:fd|TClose|Cfile
socket:domain,type,proto|F|TSocket|Cnet
socketpair:domain,type,proto,fds|TSocketPair|Cnet
connect:fd,addr,addrlen|TConnect|Cnet
accept:fd,addr,addrlen|F|TAccept|Cnet
accept4:fd,addr,addrlen,flags|F|TAccept|Cnet
bind:fd,addr,addrlen|TBind|Cnet
listen:fd,backlog|TListen|Cnet
getsockname:fd,addr,addrlen|TGetSockName|Cnet
getpeername:fd,addr,addrlen|TGetPeerName|Cnet
setsockopt:fd,level,optname,val,optlen|Cnet
getsockopt:fd,level,optname,val,optlen|Cnet
shutdown:fd,how|Cnet
dup:fd|F|TDup|Cfile
dup2:oldfd,newfd|F|TDup2|Cfile
dup3:oldfd,newfd,flags|F|TDup2|Cfile
fcntl:fd,cmd,arg|TFcntl|Cfile
ioctl:fd,request,argument|Cfile
lseek:fd,offset,whence|Cfile
fstat:fd,stat|Cfile
newfstatat:dirfd,path,stat,flags|Cfile
statx:dirfd,path,flags,mask,statxbuf|Cfile
stat:path,stat|Cfile
lstat:path,stat|Cfile
fstatfs:fd,buf|Cfile
getdents64:fd,dirp,count|Cfile
getdents:fd,dirp,count|Cfile
fsync:fd|Cfile
fdatasync:fd|Cfile
ftruncate:fd,length|Cfile
fchdir:fd|Cfile
fchmod:fd,mode|Cfile
fchown:fd,uid,gid|Cfile
flock:fd,operation|Cfile
fadvise64:fd,offset,len,advice|Cfile
access:name,mode|Cfile
faccessat:dirfd,name,mode|Cfile
faccessat2:dirfd,name,mode,flags|Cfile
readlink:path,buf,bufsiz|Cfile
readlinkat:dirfd,path,buf,bufsiz|Cfile
unlink:path|Cfile
unlinkat:dirfd,name,flags|Cfile
mkdir:path,mode|Cfile
rename:oldpath,newpath|Cfile
chdir:path|Cfile
getcwd:buf,size|Cfile
sendfile:out_fd,in_fd,offset,size|Cfile
splice:fd_in,off_in,fd_out,off_out,size,flags|Cfile
mmap:addr,length,prot,flags,fd,offset|Cmemory
munmap:addr,length|Cmemory
mprotect:addr,length,prot|Cmemory
brk:addr|Cmemory
pipe:fds|TPipe|Cipc
pipe2:fds,flags|TPipe|Cipc
eventfd:initval|F|TNewFd|Cipc
eventfd2:initval,flags|F|TNewFd|Cipc
epoll_create:size|F|TNewFd|Cfile
epoll_create1:flags|F|TNewFd|Cfile
epoll_ctl:epfd,op,fd,event|Cfile
epoll_wait:epfd,events,maxevents,timeout|Cwait
epoll_pwait:epfd,events,maxevents,timeout,sigmask,sigsetsize|Cwait
poll:fds,nfds,timeout|Cwait
ppoll:fds,nfds,tsp,sigmask,sigsetsize|Cwait
select:nfds,readfds,writefds,exceptfds,timeout|Cwait
pselect6:nfds,readfds,writefds,exceptfds,timeout,sigmask|Cwait
nanosleep:interval,rem|Csleep
clock_nanosleep:clockid,flags,interval,rem|Csleep
futex:addr,op,val,timeout,uaddr2,val3|Cipc
execve:filename,argv,envp|TExecve|Cprocess
execveat:dirfd,filename,argv,envp,flags|TExecve|Cprocess
clone:flags,stack,parent_tid,child_tid,tls|TClone|Cprocess
clone3:cl_args,size|TClone|Cprocess
fork:|TFork|Cprocess
vfork:|TFork|Cprocess
wait4:pid,status,options,rusage|Cprocess
exit:status|Cprocess
exit_group:status|Cprocess
kill:pid,sig|Csignal
tgkill:tgid,tid,sig|Csignal
rt_sigaction:sig,act,oact,sigsetsize|Csignal
rt_sigprocmask:how,set,oset,sigsetsize|Csignal
rt_sigreturn:|Csignal
inotify_init:|F|TNewFd|Cfile
inotify_init1:flags|F|TNewFd|Cfile
timerfd_create:clockid,flags|F|TNewFd|Ctime
signalfd:fd,mask,sizemask|F|TNewFd|Csignal
signalfd4:fd,mask,sizemask,flags|F|TNewFd|Csignal
`;

const byName = new Map<string, SyscallInfo>();

for (const row of TABLE.split('\n')) {
  if (!row) continue;
  const [head, ...flags] = row.split('|');
  const colon = head.indexOf(':');
  const name = head.slice(0, colon);
  const args = head.slice(colon + 1) ? head.slice(colon + 1).split(',') : [];
  const info: SyscallInfo = {
    name, args, fdArg: -1, retFd: false, io: Io.None, dataArg: -1, sizeArg: -1, track: Track.None, category: 'other',
  };
  for (const f of flags) {
    if (f === 'R' || f === 'W') {
      info.io = f === 'R' ? Io.Read : Io.Write;
      info.category = 'net';
    } else if (f === 'F') info.retFd = true;
    else if (f[0] === 'T') info.track = Track[f.slice(1) as keyof typeof Track];
    else if (f[0] === 'C') info.category = f.slice(1);
  }
  // dirfd: *at() calls on an fd (AT_EMPTY_PATH) show it; AT_FDCWD is not a number and is skipped
  const fdNames = ['fd', 'epfd', 'oldfd', 'out_fd', 'fd_in', 'dirfd'];
  info.fdArg = args.findIndex((a) => fdNames.includes(a));
  if (info.io !== Io.None) {
    info.dataArg = args.indexOf('data');
    if (info.dataArg < 0) info.dataArg = -2;
    info.sizeArg = args.indexOf('size');
  }
  byName.set(name, info);
}

/** Unknown syscalls: no names, no fd (raw arguments still shown). */
export function syscallInfo(name: string): SyscallInfo | undefined {
  return byName.get(name);
}
