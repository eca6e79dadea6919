# msgrad adjoint of Recurrent.construct (programs.py:48), wrt: xs, h, self.w, self.u
def Recurrent_construct_adjoint(w, u, xs, h):
    # line 49: for t in range(xs.shape[0]): ...
    t1 = np.shape(xs)
    t2 = t1[0]
    h_1 = h
    # line 50: h = ops.tanh(self.w @ h + self.u @ xs[t])
    u_xs = xs @ u.T
    # line 49: for t in range(xs.shape[0]): ...
    trips = 0
    h_2s = []
    saved = []
    for t in range(t2):
        trips = trips + 1
        # line 50: h = ops.tanh(self.w @ h + self.u @ xs[t])
        t3 = w @ h_1
        t5 = u_xs[t]
        t6 = t3 + t5
        h_2 = np.tanh(t6)
        h_2s.append(h_2)
        saved.append(h_1)
        # line 49: for t in range(xs.shape[0]): ...
        h_1 = h_2
    # backward
    # line 51: return h.sum()
    dh_1 = np.ones((4,), np.float32)
    # line 49: for t in range(xs.shape[0]): ...
    du_xs = np.zeros((5, 4), np.float32)
    dw = np.zeros((4, 4), np.float32)
    dt6s = []
    h_1s = []
    if trips:
        h_2s = np.stack(h_2s)
        dt6_terms = 1 - h_2s * h_2s
    for t in reversed(range(trips)):
        h_1 = saved.pop()
        # line 50: h = ops.tanh(self.w @ h + self.u @ xs[t])
        dt6 = dh_1 * dt6_terms[t]
        du_xs[t] = dt6
        dt6s.append(dt6)
        h_1s.append(h_1)
        dh_1 = dt6 @ w
    if dt6s:
        dw += np.stack(dt6s).T @ np.stack(h_1s)
    # line 50: h = ops.tanh(self.w @ h + self.u @ xs[t])
    dxs = du_xs @ u
    du = du_xs.T @ xs
    # line 49: for t in range(xs.shape[0]): ...
    return dxs, dh_1, dw, du
