// tests/integ/trace_tls_java.sh's client: Java's own TLS (JSSE, no
// library rawtel probes), one connection in TLS 1.3 then one in 1.2 to
// 127.0.0.1:PORT with the server name SNI and ALPN http/1.1 offered, a GET
// on each; prints per connection its local port, protocol, cipher suite
// and the ALPN the server chose, as Java itself reports them.
//   java -cp DIR TlsClient PORT SNI
import javax.net.ssl.*;
import java.io.*;
import java.security.cert.X509Certificate;
import java.util.List;

public class TlsClient {
    public static void main(String[] a) throws Exception {
        TrustManager[] all = { new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String t) {}
            public void checkServerTrusted(X509Certificate[] c, String t) {}
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        } };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, all, null);
        for (String proto : new String[] { "TLSv1.3", "TLSv1.2" }) {
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", Integer.parseInt(a[0]));
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(a[1])));
            p.setApplicationProtocols(new String[] { "http/1.1" });
            p.setProtocols(new String[] { proto });
            s.setSSLParameters(p);
            s.startHandshake();
            OutputStream o = s.getOutputStream();
            o.write(("GET /hello.txt HTTP/1.1\r\nHost: " + a[1] + "\r\nConnection: close\r\n\r\n").getBytes());
            o.flush();
            InputStream in = s.getInputStream();
            byte[] b = new byte[4096];
            while (in.read(b) > 0) {}
            System.out.println(s.getLocalPort() + " " + s.getSession().getProtocol() + " " +
                s.getSession().getCipherSuite() + " " + s.getApplicationProtocol());
            s.close();
        }
    }
}
