# msgrad adjoint of Recurrent.construct (programs.py:48), wrt: xs, h, self.w, self.u
def Recurrent_construct_adjoint(w, u, xs, h):
    # line 49: for t in range(xs.shape[0]): ...
    t1 = np.shape(xs)
    t2 = t1[0]
    h_1 = h
    trips = 0
    saved = []
    for t in range(t2):
        trips = trips + 1
        # line 50: h = ops.tanh(self.w @ h + self.u @ xs[t])
        t3 = w @ h_1
        t4 = xs[t]
        t5 = u @ t4
        t6 = t3 + t5
        h_2 = np.tanh(t6)
        saved.append((h_1, h_2, t, t4))
        # line 49: for t in range(xs.shape[0]): ...
        h_1 = h_2
    # backward
    # line 51: return h.sum()
    dh_1 = np.ones((4,), np.float32)
    # line 49: for t in range(xs.shape[0]): ...
    du = np.zeros((4, 3), np.float32)
    dw = np.zeros((4, 4), np.float32)
    dxs = np.zeros((5, 3), np.float32)
    dt5s = []
    t4s = []
    dt3s = []
    h_1s = []
    for _ in range(trips):
        h_1, h_2, t, t4 = saved.pop()
        # line 49: for t in range(xs.shape[0]): ...
        dh_2 = dh_1
        # line 50: h = ops.tanh(self.w @ h + self.u @ xs[t])
        dt6 = dh_2 * (1 - h_2 * h_2)
        dt3 = dt6
        dt5 = dt6
        dt5s.append(dt5)
        t4s.append(t4)
        dt4 = u.T @ dt5
        dxs[t] += dt4
        dt3s.append(dt3)
        h_1s.append(h_1)
        dh_1 = w.T @ dt3
    if dt5s:
        du += np.stack(dt5s).T @ np.stack(t4s)
    if dt3s:
        dw += np.stack(dt3s).T @ np.stack(h_1s)
    return dxs, dh_1, dw, du
